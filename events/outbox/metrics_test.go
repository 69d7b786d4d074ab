package outbox_test

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
)

type countingObserver struct {
	mu     sync.Mutex
	byType map[string]int
}

func (o *countingObserver) EventPublished(ceType string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.byType[ceType]++
}

func (o *countingObserver) counts() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.byType)
}

// TestObserverCountsStoredEventsByType: every entry JetStream stored is
// observed once with its type, whether it went out in a pipelined window
// or alone, and an entry the stream already held (a duplicate) is not.
func TestObserverCountsStoredEventsByType(t *testing.T) {
	for _, window := range []int{1, 128} {
		s := startNATS(t, t.TempDir(), "")
		js := connectJS(t, s)
		_, ob := openOutbox(t, t.TempDir())
		obs := &countingObserver{byType: map[string]int{}}
		p := newPublisher(ob, js, outbox.PublisherConfig{Window: window, Observer: obs})
		ctx := context.Background()

		// The stream holds event 0 already, as after a crash between its
		// PubAck and its deletion from the outbox.
		first := sampleEvent("default", 0)
		msg := nats.NewMsg(subjects.Event("default", first.Subject, "message.received"))
		msg.Data = []byte(`{}`)
		if _, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(events.EventID("default", first.Type, first.Key))); err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			if err := ob.Put(ctx, subjects.Result("default", "send.message"), resultEvent(t, string(rune('a'+i)))); err != nil {
				t.Fatal(err)
			}
		}
		runPublisher(t, p)
		flush(t, p)
		want := map[string]int{first.Type: 29, "io.wabridge.command.send.message.result": 3}
		if got := obs.counts(); !maps.Equal(got, want) {
			t.Errorf("window %d: observed %v, want %v", window, got, want)
		}
	}
}
