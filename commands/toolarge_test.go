package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// A result too large for a NATS message can never be published, so
// retrying cannot help: the command ends with a small PAYLOAD_TOO_LARGE
// result, recorded and audited (here through the real outbox).
func TestResultTooLargeEndsTheCommand(t *testing.T) {
	r := newRig(t)
	ob, err := outbox.New(r.db, natsbus.Subjects{}, outbox.WithMaxMessageBytes(2048))
	if err != nil {
		t.Fatal(err)
	}
	cfg := r.config(t)
	cfg.Audit = ob
	d := newDispatcher(t, cfg)
	r.sess.msgID = strings.Repeat("x", 4096)
	ctx := context.Background()
	cmd := command(t, "send.message", "big", okText)
	res := durable(d, ctx, "send.message", cmd, fixedNow)
	b := decode(t, res.Event)
	if b.Status != 413 || b.Code != "PAYLOAD_TOO_LARGE" || res.Retryable {
		t.Fatalf("status %d code %s retryable=%v, want a final 413 PAYLOAD_TOO_LARGE", b.Status, b.Code, res.Retryable)
	}
	t.Logf("message: %s", b.Message)
	if n, err := ob.Len(); err != nil || n != 1 {
		t.Fatalf("outbox holds %d entries (%v), want the small result", n, err)
	}
	again := durable(d, ctx, "send.message", cmd, fixedNow)
	if !again.Replayed || again.Event.ID() != res.Event.ID() || len(r.sess.Calls()) != 1 {
		t.Errorf("redelivery replayed=%v, %d sends: the command must have ended", again.Replayed, len(r.sess.Calls()))
	}
}
