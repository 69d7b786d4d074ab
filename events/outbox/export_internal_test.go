package outbox

import (
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// CheckPublished is what every outbox test's read-back passes through; if it
// let an invalid event through, no outbox test would notice.
func TestCheckPublished(t *testing.T) {
	valid := connectedEvent(t, "default", "k")
	noSeq := valid
	noSeq.Data = events.SessionState{State: "connected"}
	result := event.New()
	result.SetID("res-1")
	result.SetSource(events.Source("default"))
	result.SetType("io.wabridge.command.send.message.result")
	if err := result.SetData(event.ApplicationJSON, map[string]any{"status": 200}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		ce    event.Event
		valid bool
	}{
		{"catalog sample", mustCloudEvent(t, valid), true},
		{"session state without seq", mustCloudEvent(t, noSeq), false},
		{"command result, not catalogued", result, true},
	}
	for _, tt := range tests {
		for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				h, data, err := cenats.Encode(tt.ce, mode)
				if err != nil {
					t.Fatal(err)
				}
				if err := CheckPublished(h, data); (err == nil) != tt.valid {
					t.Fatalf("CheckPublished = %v, want valid %v", err, tt.valid)
				}
			})
		}
	}
	if err := CheckPublished(nil, []byte("not a cloudevent")); err == nil {
		t.Fatal("CheckPublished accepted a message that does not decode")
	}
}

func mustCloudEvent(t *testing.T, e events.Event) event.Event {
	t.Helper()
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	return ce
}
