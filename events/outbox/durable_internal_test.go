package outbox

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// fakeStream acknowledges every publish (or refuses the subjects refuse
// says), recording what it stored and what CheckPublished said of it.
type fakeStream struct {
	mu      sync.Mutex
	stored  []*nats.Msg
	invalid []error
	refuse  func(subject string) error
}

// newFakeStream is a fakeStream that fails t, when the test ends, for each
// stored message that is not a valid CloudEvent of the catalog.
func newFakeStream(t testing.TB) *fakeStream {
	f := &fakeStream{}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, err := range f.invalid {
			t.Errorf("published an invalid event: %v", err)
		}
	})
	return f
}

func (f *fakeStream) PublishMsg(_ context.Context, msg *nats.Msg, _ ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse != nil {
		if err := f.refuse(msg.Subject); err != nil {
			return nil, err
		}
	}
	if err := CheckPublished(msg.Header, msg.Data); err != nil {
		f.invalid = append(f.invalid, fmt.Errorf("%s: %w", msg.Subject, err))
	}
	f.stored = append(f.stored, msg)
	return &jetstream.PubAck{Stream: "WA_EVENTS", Sequence: uint64(len(f.stored))}, nil
}

func (f *fakeStream) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.stored)
}

// fakeClock is a settable time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openInternal(t *testing.T, opts ...Option) *Outbox {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ob, err := New(db, natsbus.Subjects{}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

func emitN(t *testing.T, ob *Outbox, session string, n int) {
	t.Helper()
	for i := range n {
		if err := ob.Emit(context.Background(), connectedEvent(t, session, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
}

// connectedEvent is the catalog's sample session.connected for session,
// told apart from others by key (its CloudEvent id derives from it).
func connectedEvent(t testing.TB, session, key string) events.Event {
	t.Helper()
	spec, ok := events.Lookup(events.TypeSessionConnected)
	if !ok {
		t.Fatalf("%s is not catalogued", events.TypeSessionConnected)
	}
	e := spec.SampleEvent()
	e.Session, e.Key = session, key
	return e
}

func outboxLen(t *testing.T, ob *Outbox) int {
	t.Helper()
	n, err := ob.Len()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An acknowledged entry stays in the outbox until the stream has certainly
// synced it (DurableAfter after its PubAck), then goes: a power loss of the
// NATS machine right after the PubAck cannot lose it.
func TestAckedEntryStaysUntilDurable(t *testing.T) {
	ob := openInternal(t)
	emitN(t, ob, "default", 5)
	js := newFakeStream(t)
	const durable, after = 10 * time.Second, 100 * time.Millisecond
	p := NewPublisher(ob, nil, PublisherConfig{DurableAfter: durable, DeleteEvery: 1, DeleteAfter: after}, nil)
	p.js = js
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	p.now = clock.now
	l := p.newLane("default")
	defer l.timer.Stop()

	if err := l.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if js.count() != 5 {
		t.Fatalf("stream got %d messages, want 5", js.count())
	}
	if n := outboxLen(t, ob); n != 5 {
		t.Fatalf("%d entries left right after their PubAcks, want all 5 kept", n)
	}
	clock.advance(durable - time.Nanosecond)
	if err := l.retire(false); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != 5 {
		t.Fatalf("%d entries left just before the sync point, want all 5 kept", n)
	}
	// Nothing acked is sent again meanwhile.
	if err := l.drain(context.Background()); err != nil || js.count() != 5 {
		t.Fatalf("drain again: %v, stream got %d messages, want 5", err, js.count())
	}
	clock.advance(time.Nanosecond)
	if err := l.retire(false); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != 0 {
		t.Fatalf("%d entries left after the sync point, want none", n)
	}
}

// With DurableImmediately (a server syncing every write, an R3 stream) the
// entries go at their PubAck, grouped as DeleteEvery says.
func TestAckedEntryGoesAtOnceWhenAckMeansDurable(t *testing.T) {
	ob := openInternal(t)
	emitN(t, ob, "default", 4)
	p := NewPublisher(ob, nil, PublisherConfig{DurableAfter: DurableImmediately, DeleteEvery: 2, DeleteAfter: time.Hour}, nil)
	p.js = newFakeStream(t)
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	p.now = clock.now
	l := p.newLane("default")
	defer l.timer.Stop()
	if err := l.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != 0 {
		t.Fatalf("%d entries left, want none", n)
	}
}

// The ledger forgets ids once the horizon has passed: pruning drops them, and
// the same id is then taken again.
func TestEmittedLedgerIsPruned(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	ob := openInternal(t, WithEmittedHorizon(time.Hour))
	ob.now = clock.now
	emitN(t, ob, "default", 3)
	clock.advance(time.Hour)
	if n, err := ob.PruneEmitted(clock.now()); err != nil || n != 0 {
		t.Fatalf("PruneEmitted within the horizon = %d, %v; want nothing pruned", n, err)
	}
	emitN(t, ob, "default", 3)
	if n := outboxLen(t, ob); n != 3 {
		t.Fatalf("outbox holds %d entries, want 3 (re-emits within the horizon not stored)", n)
	}
	clock.advance(ob.emitted.period())
	if n, err := ob.PruneEmitted(clock.now()); err != nil || n != 3 {
		t.Fatalf("PruneEmitted after the horizon = %d, %v; want 3", n, err)
	}
	emitN(t, ob, "default", 3)
	if n := outboxLen(t, ob); n != 6 {
		t.Fatalf("outbox holds %d entries, want 6 (forgotten ids taken again)", n)
	}
}
