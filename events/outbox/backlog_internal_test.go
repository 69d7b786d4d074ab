package outbox

import (
	"context"
	"testing"
	"time"
)

// Backlogs tells per session how many entries wait and how long the oldest
// has waited (its enqueue time is stored with it); what JetStream has
// acknowledged no longer counts, even while kept until durable.
func TestBacklogAgeAndCount(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	ob := openInternal(t)
	ob.now = clock.now
	emitN(t, ob, "a", 2)
	clock.advance(time.Minute)
	emitN(t, ob, "b", 1)
	clock.advance(4 * time.Minute)

	want := map[string]Backlog{"a": {Entries: 2, Age: 5 * time.Minute}, "b": {Entries: 1, Age: 4 * time.Minute}}
	got, err := ob.Backlogs()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || got["a"] != want["a"] || got["b"] != want["b"] {
		t.Fatalf("Backlogs = %+v, want %+v", got, want)
	}
	if age, n, err := ob.Oldest(); err != nil || age != 5*time.Minute || n != 3 {
		t.Fatalf("Oldest = %s, %d, %v; want 5m, 3", age, n, err)
	}

	p := NewPublisher(ob, nil, PublisherConfig{DurableAfter: time.Hour}, nil)
	p.js = newFakeStream(t)
	p.now = clock.now
	l := p.newLane("a")
	defer l.timer.Stop()
	if err := l.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, ob); n != 3 {
		t.Fatalf("outbox holds %d entries, want 3 (a's kept until durable)", n)
	}
	if age, n, err := ob.Oldest(); err != nil || age != 4*time.Minute || n != 1 {
		t.Fatalf("Oldest after a was published = %s, %d, %v; want 4m, 1", age, n, err)
	}
}
