package events_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wabridge/wabridge/events"
)

func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	s, err := c.Compile(filepath.Join("..", "schemas", "events", file))
	if err != nil {
		t.Fatalf("compiling %s: %v", file, err)
	}
	return s
}

func asJSONValue(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDataMatchesSchemas(t *testing.T) {
	ts := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	fullMessage := events.MessageReceived{
		ID: "false_120363000000000001@g.us_3EB0C767", WAID: "3EB0C767",
		Chat:   events.JID{JID: "120363000000000001@g.us"},
		Sender: events.JID{JID: "123456789012345@lid", PN: "4917612345678@s.whatsapp.net", LID: "123456789012345@lid"},
		FromMe: false, IsGroup: true, PushName: "Ana", Timestamp: ts, Type: "text", Text: "hi",
		Quoted:   &events.QuotedRef{ID: "true_120363000000000001@g.us_ABC", WAID: "ABC", Sender: "4917612345678@s.whatsapp.net", Text: "q"},
		Mentions: []string{"4917612345678@s.whatsapp.net"}, ViewOnce: true, Ephemeral: true,
	}
	fullSession := events.SessionState{
		State: "qr", JID: &events.JID{JID: "4917612345678:3@s.whatsapp.net"}, PushName: "Ana",
		Platform: "android", Reason: "r", QRCode: "2@abc", ExpiresAt: &ts, BanExpires: &ts,
	}
	// Full samples set every field, so a field added to a struct but not to
	// its schema (additionalProperties: false) fails here.
	requireAllFieldsSet(t, fullMessage)
	requireAllFieldsSet(t, fullSession)

	tests := []struct {
		name, schema string
		data         any
		valid        bool
	}{
		{"full message", "message.received.json", fullMessage, true},
		{"minimal message", "message.received.json", events.MessageReceived{
			ID: "true_4917612345678@s.whatsapp.net_X1", WAID: "X1", Chat: events.JID{JID: "4917612345678@s.whatsapp.net"},
			Sender: events.JID{JID: "4917612345678@s.whatsapp.net"}, FromMe: true, Timestamp: ts, Type: "text"}, true},
		{"message without id", "message.received.json", events.MessageReceived{Timestamp: ts, Type: "text"}, false},
		{"message with extra field", "message.received.json", map[string]any{
			"id": "false_a@g.us_1", "wa_id": "1", "chat": map[string]any{"jid": "a@g.us"}, "sender": map[string]any{"jid": "b@lid"},
			"from_me": false, "is_group": true, "timestamp": ts, "type": "text", "colour": "red"}, false},
		{"full session", "session.state.json", fullSession, true},
		{"connected", "session.state.json", events.SessionState{State: "connected", JID: &events.JID{JID: "1@s.whatsapp.net"}}, true},
		{"logged out", "session.state.json", events.SessionState{State: "logged_out", Reason: "unlinked from phone"}, true},
		{"unknown state", "session.state.json", events.SessionState{State: "sleeping"}, false},
		{"empty state", "session.state.json", events.SessionState{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := compileSchema(t, tt.schema).Validate(asJSONValue(t, tt.data))
			if tt.valid && err != nil {
				t.Fatalf("valid data rejected: %v", err)
			}
			if !tt.valid && err == nil {
				t.Fatal("invalid data accepted")
			}
		})
	}
}

func requireAllFieldsSet(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() && rv.Type().Field(i).Type.Kind() != reflect.Bool {
			t.Fatalf("sample %T leaves %s unset", v, rv.Type().Field(i).Name)
		}
	}
}
