package commands_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestDuplicateIsReplayed(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "dup", okText))
	second := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "dup", okText))
	if n := len(r.sess.Calls()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
	if first.Replayed || !second.Replayed {
		t.Errorf("Replayed first=%v second=%v, want false true", first.Replayed, second.Replayed)
	}
	if first.Event.ID() != second.Event.ID() {
		t.Errorf("replayed id %q differs from %q", second.Event.ID(), first.Event.ID())
	}
	if !bytes.Equal(first.Event.Data(), second.Event.Data()) {
		t.Errorf("replayed data %s differs from %s", second.Event.Data(), first.Event.Data())
	}
	// Another id from the same source is another command.
	execute(r.d, ctx, "default", "send.message", command(t, "send.message", "other", okText))
	if n := len(r.sess.Calls()); n != 2 {
		t.Errorf("a new id ran %d handlers in total, want 2", n)
	}
}

// The key is session + source + id (CONTRACT §3), and the message id of a
// send derives from it.
func TestIdempotencyKeyReachesHandler(t *testing.T) {
	r := newRig(t)
	cmd := command(t, "send.message", "k1", okText)
	execute(r.d, context.Background(), "default", "send.message", cmd)
	const want = "default\x00/tests\x00k1"
	if len(r.sess.sent) != 1 || r.sess.sent[0].Key != want {
		t.Fatalf("sent %+v, want one request with key session+NUL+source+NUL+id", r.sess.sent)
	}
	if got := commands.IdempotencyKey("default", cmd); got != want {
		t.Errorf("IdempotencyKey = %q", got)
	}
	if a, b := bridge.MessageIDFromKey(want), bridge.MessageIDFromKey(commands.IdempotencyKey("other", cmd)); a == "" || a == b {
		t.Errorf("message ids %q and %q: want one per session", a, b)
	}
}

func TestConcurrentDuplicatesRunOnce(t *testing.T) {
	r := newRig(t)
	r.sess.gate = make(chan struct{})
	r.sess.entered = make(chan struct{}, 1)
	const n = 10
	results := make([]commands.Result, n)
	var wg, started sync.WaitGroup
	for i := range n {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			results[i] = execute(r.d, context.Background(), "default", "send.message", command(t, "send.message", "same", okText))
		}()
	}
	// The first holds the key's lock inside SendText until the gate opens,
	// with every other duplicate already on its way: without the lock they
	// would find no record yet and run the handler too.
	started.Wait()
	<-r.sess.entered
	close(r.sess.gate)
	wg.Wait()
	if calls := len(r.sess.Calls()); calls != 1 {
		t.Fatalf("handler ran %d times for %d duplicates, want 1", calls, n)
	}
	replayed := 0
	for _, res := range results {
		if res.Event.ID() != results[0].Event.ID() || decode(t, res.Event).Status != 200 {
			t.Errorf("result %s status %d differs", res.Event.ID(), decode(t, res.Event).Status)
		}
		if res.Replayed {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d results replayed, want %d", replayed, n-1)
	}
}

func TestRetryableFailureIsNotRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.sess.err = werr.New(werr.KindNotConnected, werr.CodeNotConnected, "offline")
	first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "r", okText))
	if !first.Retryable {
		t.Fatal("NOT_CONNECTED result is not retryable")
	}
	r.sess.err = nil
	second := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "r", okText))
	if second.Replayed || decode(t, second.Event).Status != 200 {
		t.Fatalf("retry was replayed=%v status=%d, want a fresh success", second.Replayed, decode(t, second.Event).Status)
	}
	if n := len(r.sess.Calls()); n != 2 {
		t.Errorf("handler ran %d times, want 2", n)
	}
	// Results are published with Nats-Msg-Id = id: the success must not
	// share the failure's id, or JetStream would drop it as a duplicate.
	if first.Event.ID() == second.Event.ID() {
		t.Errorf("transient failure and later success share the result id %s", first.Event.ID())
	}
	third := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "r", okText))
	if !third.Replayed || third.Event.ID() != second.Event.ID() {
		t.Errorf("replay of the final result: replayed=%v id %s, want %s", third.Replayed, third.Event.ID(), second.Event.ID())
	}
}

func TestPermanentFailureIsRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.sess.err = werr.Invalid(werr.CodeInvalidRecipient, "no such number")
	execute(r.d, ctx, "default", "send.message", command(t, "send.message", "p", okText))
	r.sess.err = nil
	second := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "p", okText))
	if !second.Replayed || decode(t, second.Event).Code != "INVALID_RECIPIENT" {
		t.Errorf("second delivery replayed=%v code=%q, want the recorded INVALID_RECIPIENT", second.Replayed, decode(t, second.Event).Code)
	}
}

func TestUnknownSessionIsNotRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "s", `{}`))
	// The same command to a session that does not exist must not replay the
	// other session's result, nor be recorded itself.
	res := execute(r.d, ctx, "late", "app.logout", command(t, "app.logout", "s2", `{}`))
	if res.Replayed || decode(t, res.Event).Code != "SESSION_NOT_FOUND" {
		t.Fatalf("replayed=%v code=%q", res.Replayed, decode(t, res.Event).Code)
	}
	late := &fakeSession{}
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	r.open(t, fakeSessions{"default": r.sess, "late": late})
	if res := execute(r.d, ctx, "late", "app.logout", command(t, "app.logout", "s2", `{}`)); res.Replayed || len(late.Calls()) != 1 {
		t.Errorf("after the session appeared: replayed=%v calls=%d", res.Replayed, len(late.Calls()))
	}
}

func TestReusedKeyForOtherCommandConflicts(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "x", `{}`))
	res := execute(r.d, ctx, "default", "app.reconnect", command(t, "app.reconnect", "x", `{}`))
	b := decode(t, res.Event)
	if b.Status != 409 || b.Code != werr.CodeIdempotencyConflict {
		t.Errorf("status %d code %q, want 409 %s", b.Status, b.Code, werr.CodeIdempotencyConflict)
	}
	if res.Event.Type() != commands.ResultTypeOf("app.reconnect") {
		t.Errorf("conflict result type %q", res.Event.Type())
	}
	if n := len(r.sess.Calls()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

func TestRecordsSurviveReopen(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "persist", okText))
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	fresh := &fakeSession{}
	r.open(t, fakeSessions{"default": fresh})
	again := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "persist", okText))
	if !again.Replayed || again.Event.ID() != first.Event.ID() || !bytes.Equal(again.Event.Data(), first.Event.Data()) {
		t.Errorf("after reopening: replayed=%v id %q (want %q)", again.Replayed, again.Event.ID(), first.Event.ID())
	}
	if len(fresh.Calls()) != 0 {
		t.Errorf("handler ran after reopening: %v", fresh.Calls())
	}
}

func TestRecordsExpire(t *testing.T) {
	r := newRig(t)
	now := fixedNow
	cfg := r.config(t)
	cfg.Now, cfg.Retention = func() time.Time { return now }, time.Hour
	d := newDispatcher(t, cfg)
	ctx := context.Background()
	execute(d, ctx, "default", "app.logout", command(t, "app.logout", "old", `{}`))
	execute(d, ctx, "default", "app.logout", command(t, "app.logout", "old2", `{}`))
	now = now.Add(30 * time.Minute)
	execute(d, ctx, "default", "app.logout", command(t, "app.logout", "young", `{}`))

	now = now.Add(45 * time.Minute) // "old" and "old2" are 75 minutes old, "young" 45
	if res := execute(d, ctx, "default", "app.logout", command(t, "app.logout", "old", `{}`)); res.Replayed {
		t.Error("an expired record was replayed")
	}
	// "old" was just recorded anew; only "old2" is still expired.
	removed, err := d.Prune()
	if err != nil || removed != 1 {
		t.Fatalf("Prune removed %d (%v), want 1", removed, err)
	}
	for _, id := range []string{"young", "old"} {
		if res := execute(d, ctx, "default", "app.logout", command(t, "app.logout", id, `{}`)); !res.Replayed {
			t.Errorf("record %q was pruned before it expired", id)
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.d.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v", err)
	}
}

// A failure that depends on the session's state had no effect: a later
// delivery of the same command (after login, say) runs again.
func TestStateDependentFailureIsNotRecorded(t *testing.T) {
	for _, err := range []error{
		werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "log in first"),
		werr.New(werr.KindNotFound, werr.CodeMessageNotFound, "unknown reply target"),
	} {
		r := newRig(t)
		ctx := context.Background()
		r.sess.err = err
		first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "s", okText))
		if first.Retryable {
			t.Errorf("%v: a state-dependent failure is not for in-process retry", err)
		}
		r.sess.err = nil
		second := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "s", okText))
		if second.Replayed || decode(t, second.Event).Status != 200 || first.Event.ID() == second.Event.ID() {
			t.Errorf("%v: second delivery replayed=%v status=%d, want a fresh success with its own id", err, second.Replayed, decode(t, second.Event).Status)
		}
	}
}

// Queries describe the moment (CONTRACT §6): a repeat asks again, nothing
// is kept and nothing goes to the audit stream, so a client polling
// /app/devices or a login page polling /app/login fills no store.
func TestQueriesAreNeitherKeptNorAudited(t *testing.T) {
	r := newRig(t)
	r.sess.qr = bridge.LoginQR{Code: "2@abc,def", ExpiresAt: fixedNow.Add(20 * time.Second), Timeout: 20}
	ctx := context.Background()
	for _, name := range []string{"app.devices", "app.login", "app.login_with_code"} {
		data := `{}`
		if name == "app.login_with_code" {
			data = `{"phone":"4917612345678"}`
		}
		for range 2 {
			res := execute(r.d, ctx, "default", name, command(t, name, "poll", data))
			if res.Replayed || decode(t, res.Event).Status != 200 {
				t.Fatalf("%s replayed=%v status=%d", name, res.Replayed, decode(t, res.Event).Status)
			}
			res = durable(r.d, ctx, name, command(t, name, "poll-durable", data), fixedNow)
			if res.Replayed || decode(t, res.Event).Status != 200 {
				t.Fatalf("durable %s replayed=%v status=%d", name, res.Replayed, decode(t, res.Event).Status)
			}
		}
	}
	if n := len(r.sess.Calls()); n != 12 {
		t.Errorf("queries ran %d times, want 12", n)
	}
	if got := r.audit.entries(t); len(got) != 0 {
		t.Errorf("queries wrote %d audit entries, want none", len(got))
	}
	// An effect, by contrast, is audited once and kept.
	execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "out", `{}`))
	execute(r.d, ctx, "default", "app.logout", command(t, "app.logout", "out", `{}`))
	if got := r.audit.entries(t); len(got) != 1 || got[0].Subject != "wa.default.result.app.logout" {
		t.Errorf("effect audit entries %+v, want one on wa.default.result.app.logout", got)
	}
}
