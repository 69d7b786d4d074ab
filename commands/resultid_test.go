package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// outboxRig is a rig whose dispatcher audits through the real outbox, with
// its ledger of emitted ids, and a clock the test moves.
func outboxRig(t *testing.T) (*rig, *outbox.Outbox, *commands.Dispatcher, *time.Time) {
	t.Helper()
	r := newRig(t)
	ob, err := outbox.New(r.db, natsbus.Subjects{})
	if err != nil {
		t.Fatal(err)
	}
	now := fixedNow
	cfg := r.config(t)
	cfg.Audit = ob
	cfg.Now = func() time.Time { return now }
	return r, ob, newDispatcher(t, cfg), &now
}

func queued(t *testing.T, ob *outbox.Outbox) int {
	t.Helper()
	n, err := ob.Len()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDurableUnkeptResultOncePerDelivery: a durable delivery's failure that
// is audited but not recorded (here NOT_LOGGED_IN) and then delivered again
// with the same stream sequence, as after an ack lost in a crash, yields
// the same result id, which the outbox keeps once: one result per command.
// Over rpc every call is its own answer, with an id of its own.
func TestDurableUnkeptResultOncePerDelivery(t *testing.T) {
	r, ob, d, _ := outboxRig(t)
	r.sess.err = werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "log in first")
	ctx := context.Background()
	cmd := command(t, "send.message", "lost-ack", okText)
	c := commands.Call{Session: "default", Name: "send.message", Cmd: cmd, Durable: true, Published: fixedNow, Sequence: 7}
	first, again := d.Dispatch(ctx, c), d.Dispatch(ctx, c)
	if first.Retryable || decode(t, first.Event).Code != werr.CodeNotLoggedIn {
		t.Fatalf("first delivery: %s retryable=%v", first.Event.Data(), first.Retryable)
	}
	if first.Event.ID() != again.Event.ID() {
		t.Errorf("redelivery answered with id %s, first %s", again.Event.ID(), first.Event.ID())
	}
	if n := queued(t, ob); n != 1 {
		t.Fatalf("outbox holds %d results of one durable command, want 1", n)
	}
	// Another message of the stream (published again) is another delivery.
	c.Sequence = 8
	if other := d.Dispatch(ctx, c); other.Event.ID() == first.Event.ID() {
		t.Error("a delivery with another sequence reused the result id")
	}
	rpc := commands.Call{Session: "default", Name: "send.message", Cmd: cmd}
	if a, b := d.Dispatch(ctx, rpc), d.Dispatch(ctx, rpc); a.Event.ID() == b.Event.ID() {
		t.Error("two rpc answers share an id")
	}
	if n := queued(t, ob); n != 4 {
		t.Errorf("outbox holds %d results, want 4", n)
	}
}

// TestRerunAfterRecordExpiredIsAudited: a key used again after its record
// expired runs again, and its new result reaches the audit trail instead of
// being taken for the first one (same id) by the outbox's ledger. Replays
// of each execution keep its id.
func TestRerunAfterRecordExpiredIsAudited(t *testing.T) {
	r, ob, d, now := outboxRig(t)
	ctx := context.Background()
	cmd := command(t, "send.message", "reused", okText)
	first := execute(d, ctx, "default", "send.message", cmd)
	if replay := execute(d, ctx, "default", "send.message", cmd); !replay.Replayed || replay.Event.ID() != first.Event.ID() {
		t.Fatalf("replay: replayed=%v id %s, want %s", replay.Replayed, replay.Event.ID(), first.Event.ID())
	}
	*now = now.Add(commands.DefaultRetention + time.Hour)
	rerun := execute(d, ctx, "default", "send.message", cmd)
	if rerun.Replayed || len(r.sess.Calls()) != 2 {
		t.Fatalf("after the record expired: replayed=%v, %d sends; want a second run", rerun.Replayed, len(r.sess.Calls()))
	}
	if rerun.Event.ID() == first.Event.ID() {
		t.Errorf("the second execution's result has the first one's id %s", first.Event.ID())
	}
	if n := queued(t, ob); n != 2 {
		t.Errorf("outbox holds %d results, want both executions'", n)
	}
	if replay := execute(d, ctx, "default", "send.message", cmd); !replay.Replayed || replay.Event.ID() != rerun.Event.ID() {
		t.Errorf("replay of the second execution: replayed=%v id %s, want %s", replay.Replayed, replay.Event.ID(), rerun.Event.ID())
	}
}
