package chatstore_test

import (
	"github.com/nats-io/nats.go/jetstream"

	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// A projector killed between a fetch and its commit leaves events
// delivered and not acked on the consumer. The next projector must apply
// them: it acks all before the last event of each batch it applies, so
// taking only what comes after them would ack them unapplied and the store
// would miss them for good (the restart e2e test saw 748 of 1,000).
func TestEventsFetchedByAKilledProjectorAreApplied(t *testing.T) {
	v := newEnv(t)
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 10, "hi"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	for i, text := range []string{"two", "three", "four", "five"} {
		v.publish(t, msg(events.TypeMessageReceived, alice, alice, "K"+string(rune('1'+i)), 20+i, text))
	}
	// The killed process: it fetched events 2..4 and died before its commit.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := v.js.Consumer(ctx, natsbus.Subjects{}.EventsStream(), chatstore.DefaultDurable)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(3, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	if n != 3 {
		t.Fatalf("the killed projector fetched %d events, want 3", n)
	}
	catchUp(t, s, v, "")
	page, err := s.Messages(ctx, session, alice, chatview.MessageQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 5 {
		var got []string
		for _, m := range page.Messages {
			got = append(got, m.Message)
		}
		t.Fatalf("the store holds %d messages %v, want all 5", len(page.Messages), got)
	}
}
