package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// restartable is an outbox whose process can be "restarted": reopen gives a
// new Outbox on the same bbolt file, as the next start would.
type restartable struct {
	t  *testing.T
	db *store.DB
}

func newRestartable(t *testing.T) *restartable {
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &restartable{t: t, db: db}
}

func (r *restartable) open() *Outbox {
	ob, err := New(r.db, natsbus.Subjects{})
	if err != nil {
		r.t.Fatal(err)
	}
	return ob
}

// publisherAt is a publisher of ob to js on clock, keeping acknowledged
// entries for durable.
func publisherAt(ob *Outbox, js streamPublisher, clock *fakeClock, durable time.Duration) *Publisher {
	p := NewPublisher(ob, nil, PublisherConfig{DurableAfter: durable, DeleteAfter: 100 * time.Millisecond}, nil)
	p.js, p.now = js, clock.now
	return p
}

// runUntilFlushed runs p, flushes it within a budget far shorter than its
// DurableAfter, and stops it cleanly, as a bridge's shutdown does.
func runUntilFlushed(t *testing.T, p *Publisher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	fctx, fcancel := context.WithTimeout(context.Background(), 20*time.Second)
	err := p.Flush(fctx)
	fcancel()
	cancel()
	if rerr := <-done; rerr != nil {
		t.Fatalf("Run: %v", rerr)
	}
	if err != nil {
		t.Fatalf("Flush waited for entries already acknowledged: %v", err)
	}
}

// A clean stop does not wait for acknowledged entries to become durable,
// and the next start neither publishes them again nor deletes them before
// their time; it publishes what came after them.
func TestCleanStopResumesAfterAcknowledgedEntries(t *testing.T) {
	r := newRestartable(t)
	const durable = time.Hour
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	ob := r.open()
	emitN(t, ob, "default", 5)
	first := newFakeStream(t)
	runUntilFlushed(t, publisherAt(ob, first, clock, durable))
	if first.count() != 5 || outboxLen(t, ob) != 5 {
		t.Fatalf("first run: stream got %d, outbox keeps %d; want 5 and 5 (kept until durable)", first.count(), outboxLen(t, ob))
	}

	clock.advance(durable / 2)
	ob = r.open() // the next start
	second := newFakeStream(t)
	l := publisherAt(ob, second, clock, durable).newLane("default")
	defer l.timer.Stop()
	l.restore()
	if err := l.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if second.count() != 0 {
		t.Fatalf("the next start published %d acknowledged entries again, want none", second.count())
	}
	if n := outboxLen(t, ob); n != 5 {
		t.Fatalf("the next start left %d entries before their durable point, want 5", n)
	}
	if n, err := ob.Unpublished(); err != nil || n != 0 {
		t.Fatalf("Unpublished = %d, %v; want 0", n, err)
	}

	emitN(t, ob, "default", 6) // keys 0..4 are known ids: only "5" is new
	if err := l.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if second.count() != 1 {
		t.Fatalf("after the new entry the stream got %d messages, want only the new one", second.count())
	}
	if ce, err := cenats.Decode(second.stored[0].Header, second.stored[0].Data); err != nil || ce.ID() != mustCloudEvent(t, connectedEvent(t, "default", "5")).ID() {
		t.Fatalf("the stream got %v (%v), want the new entry", ce.ID(), err)
	}

	clock.advance(durable/2 + 100*time.Millisecond)
	if err := l.retire(false); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != 1 {
		t.Fatalf("%d entries left after the durable point of the first run's, want only the new one", n)
	}
}

// Without a clean stop (a crash) the acknowledged entries are published
// again, as is a saved stop that was already taken by a start that crashed.
func TestCrashRepublishesAcknowledgedEntries(t *testing.T) {
	r := newRestartable(t)
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	ob := r.open()
	emitN(t, ob, "default", 3)
	runUntilFlushed(t, publisherAt(ob, newFakeStream(t), clock, time.Hour))

	for run := range 2 {
		ob = r.open()
		js := newFakeStream(t)
		l := publisherAt(ob, js, clock, time.Hour).newLane("default")
		l.restore()
		if err := l.drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.timer.Stop() // the process dies here: no stop
		if want := []int{0, 3}[run]; js.count() != want {
			t.Fatalf("start %d published %d entries, want %d", run+1, js.count(), want)
		}
	}
}

// The saved ack times are never earlier than the real ones (an entry is
// never deleted before it is durable) and at most one grain later, and a
// long run of acknowledgements saves few marks.
func TestSavedAckTimesAreConservative(t *testing.T) {
	r := newRestartable(t)
	ob := r.open()
	emitN(t, ob, "default", 200)
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var pending []ackedEntry
	for k := uint64(1); k <= 200; k++ {
		pending = append(pending, ackedEntry{key: k, at: t0.Add(time.Duration(k) * 37 * time.Millisecond)})
	}
	const grain = time.Second
	marks := markAcked(pending[10:], grain) // 1..10 are orphans: kept, no longer pending
	if len(marks) > 10 {
		t.Fatalf("%d marks for 7.4 s of acknowledgements at a 1 s grain", len(marks))
	}
	stopped := t0.Add(time.Minute)
	if err := ob.saveProgress("default", progress{through: 200, stopped: stopped, marks: marks}); err != nil {
		t.Fatal(err)
	}
	through, got, err := ob.takeProgress("default")
	if err != nil || through != 200 || len(got) != 200 {
		t.Fatalf("takeProgress = %d, %d entries, %v; want 200, 200", through, len(got), err)
	}
	for i, a := range got {
		real := pending[i]
		if a.key != real.key || a.at.Before(real.at) || (i >= 10 && a.at.Sub(real.at) > grain) {
			t.Fatalf("entry %d restored as acked at %v, really at %v", a.key, a.at, real.at)
		}
	}
	if through, _, _ := ob.takeProgress("default"); through != 0 {
		t.Fatal("a saved stop was taken twice")
	}
}
