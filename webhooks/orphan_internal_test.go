package webhooks

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus/natstest"
)

// startedService is a webhooks service over an embedded JetStream with
// the streams.
func startedService(t *testing.T) (*Service, jetstream.JetStream) {
	t.Helper()
	js := natstest.JetStream(t)
	svc, err := New(Config{JS: js, Log: slog.New(slog.DiscardHandler), AckWait: 2 * time.Second,
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	return svc, js
}

// A runner that had not seen its webhook's deletion yet (another node's,
// whose watch lags, or this node's, started from an update the deletion
// overtook) creates the consumer again after Delete removed it: it must
// find the webhook gone, delete that consumer and end, not leave a durable
// consumer on WA_EVENTS that nobody deletes.
func TestLaggingRunnerOfDeletedWebhookLeavesNoConsumer(t *testing.T) {
	svc, js := startedService(t)
	ctx := context.Background()
	c, err := svc.Create(ctx, Definition{URL: "http://127.0.0.1:1/hook"})
	if err != nil {
		t.Fatal(err)
	}
	w, rev, err := svc.load(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lagging, err := newRunner(svc, w, rev)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	lagging.start()
	t.Cleanup(func() { _ = lagging.stop(context.Background()) })
	select {
	case <-lagging.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the runner of a deleted webhook goes on delivering")
	}
	_, err = js.Consumer(ctx, svc.cfg.Subjects.EventsStream(), consumerName(c.ID))
	if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		t.Fatalf("the deleted webhook's consumer is there (err %v): an orphan holding WA_EVENTS' messages", err)
	}
}

// Deleting a webhook right after creating it, before this node's watch
// started its runner: the runner the watch then starts (from the creation
// it shows first) must not leave the consumer there once Delete returned.
func TestDeleteRightAfterCreateLeavesNoConsumer(t *testing.T) {
	svc, js := startedService(t)
	ctx := context.Background()
	for i := range 60 {
		c, err := svc.Create(ctx, Definition{URL: "http://127.0.0.1:1/hook"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = js.Consumer(ctx, svc.cfg.Subjects.EventsStream(), consumerName(c.ID))
		if !errors.Is(err, jetstream.ErrConsumerNotFound) {
			t.Fatalf("round %d: the consumer is there after Delete returned (err %v)", i, err)
		}
	}
}
