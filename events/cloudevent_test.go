package events_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/events"
)

func TestNewCloudEvent(t *testing.T) {
	e := sampleEvent("default", 3)
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("default\x00io.wabridge.message.received\x00" + e.Key))
	checks := []struct{ name, got, want string }{
		{"specversion", ce.SpecVersion(), "1.0"},
		{"id", ce.ID(), hex.EncodeToString(sum[:])[:32]},
		{"source", ce.Source(), "/wabridge/default"},
		{"type", ce.Type(), events.TypeMessageReceived},
		{"subject", ce.Subject(), e.Subject},
		{"time", ce.Time().Format(time.RFC3339Nano), e.Time.UTC().Format(time.RFC3339Nano)},
		{"datacontenttype", ce.DataContentType(), "application/json"},
		{"wasession", ce.Extensions()[events.ExtSession].(string), "default"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	var data events.MessageReceived
	if err := ce.DataAs(&data); err != nil || data.Text != "hello 3" {
		t.Errorf("data %+v, %v", data, err)
	}

	again, err := events.NewCloudEvent(e)
	if err != nil || again.ID() != ce.ID() {
		t.Errorf("id not deterministic: %s vs %s", again.ID(), ce.ID())
	}
	e.Key += "x"
	if other, _ := events.NewCloudEvent(e); other.ID() == ce.ID() {
		t.Error("different keys share an id")
	}
}

func TestNewCloudEventDefaults(t *testing.T) {
	local := time.FixedZone("CET", 3600)
	e := events.Event{Type: events.TypeSessionConnected, Session: "s1", Key: "k",
		Time: time.Date(2025, 1, 1, 12, 0, 0, 0, local), Data: events.SessionState{State: "connected"}}
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	if ce.Time().Location() != time.UTC || !ce.Time().Equal(e.Time) {
		t.Errorf("time %v, want %v in UTC", ce.Time(), e.Time)
	}
	if ce.Subject() != "" {
		t.Errorf("subject %q set without a chat", ce.Subject())
	}
	e.Time = time.Time{}
	ce, err = events.NewCloudEvent(e)
	if err != nil || ce.Time().IsZero() {
		t.Errorf("zero time not replaced by now: %v, %v", ce.Time(), err)
	}
}

func TestNewCloudEventRejects(t *testing.T) {
	valid := events.Event{Type: events.TypeSessionQR, Session: "default", Key: "k", Data: events.SessionState{State: "qr"}}
	tests := []struct {
		name    string
		change  func(*events.Event)
		wantErr string
	}{
		{"bad session", func(e *events.Event) { e.Session = "Not Valid" }, "session"},
		{"empty session", func(e *events.Event) { e.Session = "" }, "session"},
		{"foreign type", func(e *events.Event) { e.Type = "com.example.thing" }, "type"},
		{"bare prefix", func(e *events.Event) { e.Type = events.TypePrefix }, "type"},
		{"wildcard in type", func(e *events.Event) { e.Type = "io.wabridge.message.*" }, "type"},
		{"empty token", func(e *events.Event) { e.Type = "io.wabridge.message..received" }, "type"},
		{"no key", func(e *events.Event) { e.Key = "" }, "key"},
		{"no data", func(e *events.Event) { e.Data = nil }, "data"},
		{"unmarshalable data", func(e *events.Event) { e.Data = func() {} }, "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid
			tt.change(&e)
			_, err := events.NewCloudEvent(e)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
	if _, err := events.NewCloudEvent(valid); err != nil {
		t.Fatalf("valid event rejected: %v", err)
	}
}

// The stored form is the structured JSON event: check that what goes in
// comes back unchanged through the JSON event format.
func TestCloudEventJSONRoundTrip(t *testing.T) {
	ce, err := events.NewCloudEvent(sampleEvent("default", 9))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(ce)
	if err != nil {
		t.Fatal(err)
	}
	back := event.New()
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back.String() != ce.String() {
		t.Errorf("round trip changed the event:\n%s\n%s", back, ce)
	}
}
