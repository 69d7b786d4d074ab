package sandbox_test

import (
	"errors"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// A virtual contact's location, contact and poll arrive as the protos a
// phone sends, built from the send.* commands' fields.
func TestInboundKindsBuildWhatsAppMessages(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	tests := []struct {
		typ       string
		fields    map[string]any
		want      *waE2E.Message
		stanza    string
		hasSecret bool
	}{
		{
			typ: "location",
			fields: map[string]any{"latitude": 52.520008, "longitude": 13.404954, "name": "Brandenburg Gate",
				"address": "Pariser Platz, 10117 Berlin", "url": "https://maps.google.com/?q=52.520008,13.404954"},
			want: &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
				DegreesLatitude: proto.Float64(52.520008), DegreesLongitude: proto.Float64(13.404954),
				Name: proto.String("Brandenburg Gate"), Address: proto.String("Pariser Platz, 10117 Berlin"),
				URL: proto.String("https://maps.google.com/?q=52.520008,13.404954"),
			}},
			stanza: "media",
		},
		{
			typ:    "location",
			fields: map[string]any{"latitude": 0, "longitude": -180},
			want: &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
				DegreesLatitude: proto.Float64(0), DegreesLongitude: proto.Float64(-180),
			}},
			stanza: "media",
		},
		{
			typ:    "contact",
			fields: map[string]any{"contact_name": "John Doe", "contact_phone": "4917698765432", "contact_org": "Acme, Inc."},
			want: &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
				DisplayName: proto.String("John Doe"),
				Vcard: proto.String("BEGIN:VCARD\r\nVERSION:3.0\r\nN:;John Doe;;;\r\nFN:John Doe\r\nORG:Acme\\, Inc.\r\n" +
					"TEL;type=CELL;type=VOICE;waid=4917698765432:+4917698765432\r\nEND:VCARD\r\n"),
			}},
			stanza: "media",
		},
		{
			typ:    "poll",
			fields: map[string]any{"question": "Lunch?", "options": []string{"Pizza", "Sushi"}, "selectable_count": 1},
			want: &waE2E.Message{PollCreationMessage: &waE2E.PollCreationMessage{
				Name: proto.String("Lunch?"), SelectableOptionsCount: proto.Uint32(1),
				Options: []*waE2E.PollCreationMessage_Option{{OptionName: proto.String("Pizza")}, {OptionName: proto.String("Sushi")}},
			}},
			stanza: "poll", hasSecret: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			in := sandbox.Inbound{From: "4917612345678", Type: tt.typ, Fields: tt.fields}
			if _, err := f.net.Inbound(testCtx(t), "default", in); err != nil {
				t.Fatalf("Inbound: %v", err)
			}
			msg := next[*events.Message](t, f.rec)
			got := proto.Clone(msg.Message).(*waE2E.Message)
			secret := got.GetMessageContextInfo().GetMessageSecret()
			got.MessageContextInfo = nil
			if tt.hasSecret != (len(secret) == 32) {
				t.Fatalf("message secret %x, want one: %v", secret, tt.hasSecret)
			}
			if !proto.Equal(tt.want, got) {
				t.Fatalf("message\n got %s\nwant %s", prototext.Format(got), prototext.Format(tt.want))
			}
			if msg.Info.Type != tt.stanza {
				t.Fatalf("stanza type %q, want %q", msg.Info.Type, tt.stanza)
			}
		})
	}
}

// Fields a phone would refuse are refused, and nothing is delivered.
func TestInboundKindsRefuseBadFields(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	bad := []struct {
		name, typ string
		fields    map[string]any
	}{
		{"latitude 91", "location", map[string]any{"latitude": 91, "longitude": 0}},
		{"longitude -181", "location", map[string]any{"latitude": 0, "longitude": -181}},
		{"no longitude", "location", map[string]any{"latitude": 1}},
		{"latitude a string", "location", map[string]any{"latitude": "north", "longitude": 0}},
		{"contact without phone", "contact", map[string]any{"contact_name": "John"}},
		{"contact phone letters", "contact", map[string]any{"contact_name": "John", "contact_phone": "call me"}},
		{"one option", "poll", map[string]any{"question": "q", "options": []string{"a"}}},
		{"duplicate options", "poll", map[string]any{"question": "q", "options": []string{"a", "a"}}},
		{"thirteen options", "poll", map[string]any{"question": "q", "options": []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}}},
		{"selectable beyond options", "poll", map[string]any{"question": "q", "options": []string{"a", "b"}, "selectable_count": 3}},
		{"no question", "poll", map[string]any{"options": []string{"a", "b"}}},
		{"unknown kind", "hologram", nil},
	}
	for _, tt := range bad {
		_, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Type: tt.typ, Fields: tt.fields})
		var we *werr.Error
		if !errors.As(err, &we) || we.Code != werr.CodeInvalidPayload {
			t.Errorf("%s: error %v, want %s", tt.name, err, werr.CodeInvalidPayload)
		}
	}
	for _, evt := range f.rec.seen() {
		if m, ok := evt.(*events.Message); ok {
			t.Fatalf("delivered %v", m.Message)
		}
	}
}
