package events_test

import (
	"testing"

	"github.com/wabridge/wabridge/events"
)

// The tests here and the outbox's build their many events with sampleEvent;
// each must be valid and its own occurrence (its own CloudEvent id).
func TestSampleEventsAreValidAndDistinct(t *testing.T) {
	ids := map[string]int{}
	for i := range 50 {
		e := sampleEvent("default", i)
		if err := events.Validate(e); err != nil {
			t.Fatalf("sampleEvent %d: %v", i, err)
		}
		id := events.EventID(e.Session, e.Type, e.Key)
		if j, seen := ids[id]; seen {
			t.Fatalf("sampleEvent %d and %d share id %s", j, i, id)
		}
		ids[id] = i
	}
}
