package commands_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/schemas"
)

func TestDuplicateIsReplayed(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	first := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "dup", okText))
	second := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "dup", okText))
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
	r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "other", okText))
	if n := len(r.sess.Calls()); n != 2 {
		t.Errorf("a new id ran %d handlers in total, want 2", n)
	}
}

func TestIdempotencyKeyReachesHandler(t *testing.T) {
	r := newRig(t)
	cmd := command(t, "send.message", "k1", okText)
	r.d.Execute(context.Background(), "default", "send.message", cmd)
	if len(r.sess.sent) != 1 || r.sess.sent[0].Key != "/tests\x00k1" {
		t.Fatalf("sent %+v, want one request with key source+NUL+id", r.sess.sent)
	}
	if commands.IdempotencyKey(cmd) != "/tests\x00k1" {
		t.Errorf("IdempotencyKey = %q", commands.IdempotencyKey(cmd))
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
			results[i] = r.d.Execute(context.Background(), "default", "send.message", command(t, "send.message", "same", okText))
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
	first := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "r", okText))
	if !first.Retryable {
		t.Fatal("NOT_CONNECTED result is not retryable")
	}
	r.sess.err = nil
	second := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "r", okText))
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
	third := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "r", okText))
	if !third.Replayed || third.Event.ID() != second.Event.ID() {
		t.Errorf("replay of the final result: replayed=%v id %s, want %s", third.Replayed, third.Event.ID(), second.Event.ID())
	}
}

func TestPermanentFailureIsRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.sess.err = werr.Invalid(werr.CodeInvalidRecipient, "no such number")
	r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "p", okText))
	r.sess.err = nil
	second := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "p", okText))
	if !second.Replayed || decode(t, second.Event).Code != "INVALID_RECIPIENT" {
		t.Errorf("second delivery replayed=%v code=%q, want the recorded INVALID_RECIPIENT", second.Replayed, decode(t, second.Event).Code)
	}
}

func TestUnknownSessionIsNotRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "s", `{}`))
	// The same command to a session that does not exist must not replay the
	// other session's result, nor be recorded itself.
	res := r.d.Execute(ctx, "late", "app.logout", command(t, "app.logout", "s2", `{}`))
	if res.Replayed || decode(t, res.Event).Code != "SESSION_NOT_FOUND" {
		t.Fatalf("replayed=%v code=%q", res.Replayed, decode(t, res.Event).Code)
	}
	late := &fakeSession{}
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	r.open(t, fakeSessions{"default": r.sess, "late": late})
	if res := r.d.Execute(ctx, "late", "app.logout", command(t, "app.logout", "s2", `{}`)); res.Replayed || len(late.Calls()) != 1 {
		t.Errorf("after the session appeared: replayed=%v calls=%d", res.Replayed, len(late.Calls()))
	}
}

func TestReusedKeyForOtherCommandConflicts(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "x", `{}`))
	res := r.d.Execute(ctx, "default", "app.reconnect", command(t, "app.reconnect", "x", `{}`))
	b := decode(t, res.Event)
	if b.Status != 409 || b.Code != commands.CodeIdempotencyConflict {
		t.Errorf("status %d code %q, want 409 %s", b.Status, b.Code, commands.CodeIdempotencyConflict)
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
	first := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "persist", okText))
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}
	fresh := &fakeSession{}
	r.open(t, fakeSessions{"default": fresh})
	again := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "persist", okText))
	if !again.Replayed || again.Event.ID() != first.Event.ID() || !bytes.Equal(again.Event.Data(), first.Event.Data()) {
		t.Errorf("after reopening: replayed=%v id %q (want %q)", again.Replayed, again.Event.ID(), first.Event.ID())
	}
	if len(fresh.Calls()) != 0 {
		t.Errorf("handler ran after reopening: %v", fresh.Calls())
	}
}

func TestRecordsExpire(t *testing.T) {
	r := newRig(t)
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := fixedNow
	clock := func() time.Time { return now }
	d, err := commands.NewDispatcher(commands.DispatcherConfig{
		Sessions: fakeSessions{"default": r.sess}, DB: r.db, Schemas: set, Now: clock, Retention: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "old", `{}`))
	d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "old2", `{}`))
	now = now.Add(30 * time.Minute)
	d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "young", `{}`))

	now = now.Add(45 * time.Minute) // "old" and "old2" are 75 minutes old, "young" 45
	if res := d.Execute(ctx, "default", "app.logout", command(t, "app.logout", "old", `{}`)); res.Replayed {
		t.Error("an expired record was replayed")
	}
	// "old" was just recorded anew; only "old2" is still expired.
	removed, err := d.Prune()
	if err != nil || removed != 1 {
		t.Fatalf("Prune removed %d (%v), want 1", removed, err)
	}
	for _, id := range []string{"young", "old"} {
		if res := d.Execute(ctx, "default", "app.logout", command(t, "app.logout", id, `{}`)); !res.Replayed {
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
		first := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "s", okText))
		if first.Retryable {
			t.Errorf("%v: a state-dependent failure is not for in-process retry", err)
		}
		r.sess.err = nil
		second := r.d.Execute(ctx, "default", "send.message", command(t, "send.message", "s", okText))
		if second.Replayed || decode(t, second.Event).Status != 200 || first.Event.ID() == second.Event.ID() {
			t.Errorf("%v: second delivery replayed=%v status=%d, want a fresh success with its own id", err, second.Replayed, decode(t, second.Event).Status)
		}
	}
}

// Volatile commands describe the moment: a repeat asks again and nothing is
// kept, so a client polling /app/devices does not fill the store.
func TestVolatileCommandIsNotRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for range 2 {
		res := r.d.Execute(ctx, "default", "app.devices", command(t, "app.devices", "poll", `{}`))
		if res.Replayed || decode(t, res.Event).Status != 200 {
			t.Fatalf("app.devices replayed=%v status=%d", res.Replayed, decode(t, res.Event).Status)
		}
	}
	if n := len(r.sess.Calls()); n != 2 {
		t.Errorf("app.devices ran %d times, want 2", n)
	}
	spec, _ := commands.Lookup("send.message")
	if spec.Volatile {
		t.Error("send.message has an effect and must be recorded")
	}
}
