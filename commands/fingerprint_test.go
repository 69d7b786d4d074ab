package commands_test

import (
	"context"
	"testing"

	"github.com/wabridge/wabridge/commands"
)

// The same key with other data is a conflict, never a replayed "Success"
// for a message that was not sent; the same data spaced or ordered
// differently is the same command.
func TestSameKeyOtherDataConflicts(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	first := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "fp", `{"phone":"4917612345678","message":"hello"}`))
	same := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "fp", "{ \"message\": \"hello\",\n \"phone\": \"4917612345678\" }"))
	if !same.Replayed || same.Event.ID() != first.Event.ID() {
		t.Errorf("reordered, respaced data: replayed=%v id %s, want the replay of %s", same.Replayed, same.Event.ID(), first.Event.ID())
	}
	other := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "fp", `{"phone":"4917612345678","message":"goodbye"}`))
	b := decode(t, other.Event)
	if b.Status != 409 || b.Code != "IDEMPOTENCY_CONFLICT" || other.Replayed || other.Retryable {
		t.Fatalf("other data: status %d code %s replayed=%v retryable=%v, want 409 IDEMPOTENCY_CONFLICT", b.Status, b.Code, other.Replayed, other.Retryable)
	}
	if n := len(r.sess.Calls()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
	// The conflict ends that delivery (audited) but is not the key's answer:
	// the original data still replays.
	if again := execute(r.d, ctx, "default", "send.message", command(t, "send.message", "fp", `{"phone":"4917612345678","message":"hello"}`)); !again.Replayed {
		t.Error("the conflict replaced the key's record")
	}
	if got := len(r.audit.entries(t)); got != 2 {
		t.Errorf("%d audit entries, want 2 (the send and the conflict)", got)
	}
}

// Two sessions (tenants) using the same source and id are two commands.
func TestKeyIsScopedToSession(t *testing.T) {
	r := newRig(t)
	other := &fakeSession{}
	cfg := r.config(t)
	cfg.Sessions = fakeSessions{"default": r.sess, "other": other}
	d := newDispatcher(t, cfg)
	ctx := context.Background()
	a := execute(d, ctx, "default", "send.message", command(t, "send.message", "same", okText))
	b := execute(d, ctx, "other", "send.message", command(t, "send.message", "same", okText))
	if a.Replayed || b.Replayed || len(r.sess.Calls()) != 1 || len(other.Calls()) != 1 {
		t.Fatalf("replayed %v/%v, calls %d/%d: want each session to run its own", a.Replayed, b.Replayed, len(r.sess.Calls()), len(other.Calls()))
	}
	if a.Event.ID() == b.Event.ID() {
		t.Errorf("both sessions' results have id %s", a.Event.ID())
	}
}

// Sources under /wabridge/ are the REST adapter's callers' namespaces: a
// NATS caller may not claim one (it could replay or block their commands).
func TestReservedSourceNeedsTrust(t *testing.T) {
	for _, src := range []string{"/wabridge/rest/alice", "/wabridge"} {
		r := newRig(t)
		ctx := context.Background()
		cmd := command(t, "send.message", "1", okText)
		cmd.SetSource(src)
		res := r.d.Dispatch(ctx, commands.Call{Session: "default", Name: "send.message", Cmd: cmd})
		b := decode(t, res.Event)
		if b.Status != 400 || b.Code != "INVALID_CLOUDEVENT" || len(r.sess.Calls()) != 0 {
			t.Errorf("%s over NATS: status %d code %s, %d calls; want 400 INVALID_CLOUDEVENT, none", src, b.Status, b.Code, len(r.sess.Calls()))
		}
		t.Logf("message: %s", b.Message)
		res = r.d.Dispatch(ctx, commands.Call{Session: "default", Name: "send.message", Cmd: cmd, Trusted: true})
		if b := decode(t, res.Event); b.Status != 200 || len(r.sess.Calls()) != 1 {
			t.Errorf("%s from the REST adapter: status %d %s", src, b.Status, b.Message)
		}
	}
	r := newRig(t)
	cmd := command(t, "send.message", "1", okText)
	cmd.SetSource("/wabridgex/mine")
	if b := decode(t, execute(r.d, context.Background(), "default", "send.message", cmd).Event); b.Status != 200 {
		t.Errorf("a source merely starting with /wabridge was refused: %d %s", b.Status, b.Message)
	}
}
