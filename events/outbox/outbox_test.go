package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
)

// Concurrent emitters share commits; each one's events must still be stored
// once and in the order it emitted them.
func TestConcurrentEmitKeepsEachEmittersOrder(t *testing.T) {
	_, ob := openOutbox(t, t.TempDir())
	const emitters, each = 8, 25
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range emitters {
		wg.Go(func() {
			for i := range each {
				if err := ob.Emit(ctx, sampleEvent(fmt.Sprintf("s%d", g), i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n, err := ob.Len(); err != nil || n != emitters*each {
		t.Fatalf("Len = %d, %v; want %d", n, err, emitters*each)
	}

	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p)
	flush(t, p)

	next := map[string]int{} // session -> index of the event expected next
	msgs := streamMsgs(t, js)
	if len(msgs) != emitters*each {
		t.Fatalf("stream holds %d messages, want %d", len(msgs), emitters*each)
	}
	for _, m := range msgs {
		session, _, _, err := subjects.Parse(m.Subject)
		if err != nil {
			t.Fatal(err)
		}
		e := sampleEvent(session, next[session])
		if got := m.Header.Get(jetstream.MsgIDHeader); got != events.EventID(session, e.Type, e.Key) {
			t.Fatalf("session %s: event %d out of order", session, next[session])
		}
		next[session]++
	}
}
