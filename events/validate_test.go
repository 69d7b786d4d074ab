package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/events"
)

func sampleOf(t *testing.T, typ string) events.Event {
	t.Helper()
	s, ok := events.Lookup(typ)
	if !ok {
		t.Fatalf("%s not catalogued", typ)
	}
	return s.SampleEvent()
}

func TestValidate(t *testing.T) {
	ts := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	minimal := events.MessageReceived{
		ID: "true_4917612345678@s.whatsapp.net_X1", WAID: "X1", Chat: events.JID{JID: "4917612345678@s.whatsapp.net"},
		Sender: events.JID{JID: "4917612345678@s.whatsapp.net"}, FromMe: true, Timestamp: ts, Type: "text"}
	with := func(typ string, change func(e *events.Event)) events.Event {
		e := sampleOf(t, typ)
		change(&e)
		return e
	}
	state := func(typ string, change func(st *events.SessionState)) events.Event {
		return with(typ, func(e *events.Event) {
			st := e.Data.(events.SessionState)
			change(&st)
			e.Data = st
		})
	}
	tests := []struct {
		name string
		e    events.Event
		want string // "" = valid; else a part of the error
	}{
		{"minimal sent message", with(events.TypeMessageSent, func(e *events.Event) { e.Data = minimal }), ""},
		{"pointer to data", with(events.TypeMessageSent, func(e *events.Event) { e.Data = &minimal }), ""},
		{"connected without details", state(events.TypeSessionConnected, func(st *events.SessionState) {
			*st = events.SessionState{State: "connected", Seq: 7}
		}), ""},
		{"unknown type", with(events.TypeMessageReceived, func(e *events.Event) { e.Type = events.TypePrefix + "message.lost" }), "not in the event catalog"},
		{"sent message not from me", with(events.TypeMessageSent, func(e *events.Event) {
			m := minimal
			m.FromMe = false
			e.Data = m
		}), "/from_me"},
		{"message without id", with(events.TypeMessageReceived, func(e *events.Event) {
			e.Data = events.MessageReceived{Timestamp: ts, Type: "text"}
		}), "/id: '' does not match pattern"},
		{"message without subject", with(events.TypeMessageReceived, func(e *events.Event) { e.Subject = "" }), "no subject"},
		{"unknown field", with(events.TypeMessageReceived, func(e *events.Event) {
			e.Data = map[string]any{"colour": "red"}
		}), "data is a map"},
		{"session event with subject", with(events.TypeSessionConnected, func(e *events.Event) { e.Subject = "1@g.us" }), "concerns no chat"},
		{"wrong data struct", with(events.TypeSessionQR, func(e *events.Event) { e.Data = minimal }), "data is a events.MessageReceived"},
		{"state of another type", state(events.TypeSessionQR, func(st *events.SessionState) { st.State = "connected" }), "/state"},
		{"unknown state", state(events.TypeSessionDisconnected, func(st *events.SessionState) { st.State = "sleeping" }), "/state"},
		{"qr without code", state(events.TypeSessionQR, func(st *events.SessionState) { st.QRCode = "" }), "/qr_code: is required"},
		{"paired without jid", state(events.TypeSessionPaired, func(st *events.SessionState) { st.JID = nil }), "/jid: is required"},
		{"no sequence number", state(events.TypeSessionConnected, func(st *events.SessionState) { st.Seq = 0 }), "/seq"},
		{"no key", with(events.TypeSessionConnected, func(e *events.Event) { e.Key = "" }), "has no key"},
		{"bad session", with(events.TypeSessionConnected, func(e *events.Event) { e.Session = "Default" }), "not a valid session name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.Validate(tt.e)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid event rejected: %v", err)
			case tt.want != "" && err == nil:
				t.Fatal("invalid event accepted")
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestValidateCloudEvent(t *testing.T) {
	sample := func(t *testing.T, typ string) event.Event {
		ce, err := events.NewCloudEvent(sampleOf(t, typ))
		if err != nil {
			t.Fatal(err)
		}
		return ce
	}
	tests := []struct {
		name   string
		typ    string
		change func(ce *event.Event)
		want   string
	}{
		{"as built", events.TypeMessageReceived, func(*event.Event) {}, ""},
		{"unknown type", events.TypeMessageReceived, func(ce *event.Event) { ce.SetType("io.wabridge.nope") }, "not in the event catalog"},
		{"other session's source", events.TypeSessionQR, func(ce *event.Event) { ce.SetSource("/wabridge/other") }, "do not name one session"},
		{"no session extension", events.TypeSessionQR, func(ce *event.Event) { ce.SetExtension(events.ExtSession, nil) }, "do not name one session"},
		{"no subject", events.TypeMessageReceived, func(ce *event.Event) { ce.SetSubject("") }, "no subject"},
		{"data breaks schema", events.TypeSessionQR, func(ce *event.Event) {
			_ = ce.SetData(event.ApplicationJSON, map[string]any{"state": "qr", "seq": 1})
		}, "/qr_code: is required"},
		{"not JSON", events.TypeSessionQR, func(ce *event.Event) { _ = ce.SetData("text/plain", []byte("qr")) }, "datacontenttype"},
		{"no id", events.TypeSessionQR, func(ce *event.Event) { ce.SetID("") }, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ce := sample(t, tt.typ)
			tt.change(&ce)
			err := events.ValidateCloudEvent(ce)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid cloudevent rejected: %v", err)
			case tt.want != "" && err == nil:
				t.Fatal("invalid cloudevent accepted")
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	s, _ := events.Lookup(events.TypeMessageReceived)
	e := s.SampleEvent()
	for b.Loop() {
		if err := events.Validate(e); err != nil {
			b.Fatal(err)
		}
	}
}
