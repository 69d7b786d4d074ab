package bridge_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// kindMessage is a message as whatsmeow dispatches it: raw is what came
// off the wire, unwrapped by whatsmeow's own UnwrapRaw (which sets the
// view-once and ephemeral flags) before any handler sees it.
func kindMessage(src types.MessageSource, id string, raw *waE2E.Message) *waEvents.Message {
	evt := &waEvents.Message{
		Info:       types.MessageInfo{MessageSource: src, ID: id, PushName: "Alice", Timestamp: fixedTime},
		RawMessage: raw,
	}
	return evt.UnwrapRaw()
}

func kindCases() []struct {
	name string
	raw  *waE2E.Message
} {
	vcard := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Doe\r\nTEL;type=CELL;waid=4917698765432:+4917698765432\r\nEND:VCARD\r\n"
	vcard2 := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Roe\r\nORG:Acme Corp\r\nTEL;type=CELL;waid=4917611122233:+4917611122233\r\nEND:VCARD\r\n"
	poll := &waE2E.PollCreationMessage{
		Name: proto.String("Favourite language?"),
		Options: []*waE2E.PollCreationMessage_Option{
			{OptionName: proto.String("Go")}, {OptionName: proto.String("Rust")}, {OptionName: proto.String("Zig")},
		},
		SelectableOptionsCount: proto.Uint32(1),
		ContextInfo:            &waE2E.ContextInfo{MentionedJID: []string{ownPN.String()}},
	}
	return []struct {
		name string
		raw  *waE2E.Message
	}{
		{"kind_link_preview_forwarded", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
			Text:        proto.String("look https://go.dev/blog"),
			MatchedText: proto.String("https://go.dev/blog"),
			Title:       proto.String("The Go Blog"), Description: proto.String("News from the Go team"),
			PreviewType:   waE2E.ExtendedTextMessage_NONE.Enum(),
			JPEGThumbnail: []byte{0xff, 0xd8, 0xff},
			ContextInfo:   &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(5)},
		}}},
		{"kind_location_reply", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
			DegreesLatitude: proto.Float64(52.520008), DegreesLongitude: proto.Float64(13.404954),
			Name: proto.String("Brandenburg Gate"), Address: proto.String("Pariser Platz, 10117 Berlin"),
			URL: proto.String("https://maps.google.com/?q=52.520008,13.404954"),
			ContextInfo: &waE2E.ContextInfo{
				StanzaID: proto.String("3EB0WHERE"), Participant: proto.String(ownPN.String()),
				QuotedMessage: &waE2E.Message{Conversation: proto.String("where are you?")},
			},
		}}},
		{"kind_live_location", &waE2E.Message{LiveLocationMessage: &waE2E.LiveLocationMessage{
			DegreesLatitude: proto.Float64(-33.8568), DegreesLongitude: proto.Float64(151.2153),
			AccuracyInMeters: proto.Uint32(12), SpeedInMps: proto.Float32(1.5),
			DegreesClockwiseFromMagneticNorth: proto.Uint32(270),
			Caption:                           proto.String("walking over"), SequenceNumber: proto.Int64(1741964966000),
		}}},
		{"kind_location_marked_live", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
			DegreesLatitude: proto.Float64(0), DegreesLongitude: proto.Float64(0), IsLive: proto.Bool(true),
			AccuracyInMeters: proto.Uint32(30), Comment: proto.String("null island"),
		}}},
		{"kind_contact", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
			DisplayName: proto.String("John Doe"), Vcard: proto.String(vcard),
		}}},
		{"kind_contacts_array", &waE2E.Message{ContactsArrayMessage: &waE2E.ContactsArrayMessage{
			DisplayName: proto.String("2 contacts"),
			Contacts: []*waE2E.ContactMessage{
				{DisplayName: proto.String("John Doe"), Vcard: proto.String(vcard)},
				{DisplayName: proto.String("Jane Roe"), Vcard: proto.String(vcard2)},
			},
		}}},
		{"kind_poll_v3", &waE2E.Message{
			PollCreationMessageV3: poll,
			MessageContextInfo:    &waE2E.MessageContextInfo{MessageSecret: make([]byte, 32)},
		}},
		{"kind_poll_any_number", &waE2E.Message{PollCreationMessage: &waE2E.PollCreationMessage{
			Name:    proto.String("Which days?"),
			Options: []*waE2E.PollCreationMessage_Option{{OptionName: proto.String("Mon")}, {OptionName: proto.String("Tue")}},
		}}},
		{"kind_view_once_text", &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{
			Message: &waE2E.Message{Conversation: proto.String("read me once")},
		}}},
		{"kind_ephemeral_contact", &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{
			Message: &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
				DisplayName: proto.String("John Doe"), Vcard: proto.String(vcard),
				ContextInfo: &waE2E.ContextInfo{Expiration: proto.Uint32(604800)},
			}},
		}}},
		{"kind_expiring_text", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
			Text:        proto.String("gone in a week"),
			ContextInfo: &waE2E.ContextInfo{Expiration: proto.Uint32(604800)},
		}}},
	}
}

// Every non-media kind becomes its message.received, golden and valid.
func TestTranslateMessageKinds(t *testing.T) {
	src := types.MessageSource{Chat: alicePN, Sender: alicePN, SenderAlt: aliceLID, AddressingMode: types.AddressingModePN}
	for _, tt := range kindCases() {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.loggedInConnected("default")
			e.sink.reset()
			if !c.push(kindMessage(src, "3EB0KIND"+tt.name, tt.raw)) {
				t.Fatal("handler reported failure")
			}
			got := e.sink.ofType(events.TypeMessageReceived)
			if len(got) != 1 {
				t.Fatalf("%d message.received, want 1", len(got))
			}
			if err := events.Validate(got[0]); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
			golden(t, tt.name, got[0])
		})
	}
}

// What another device of the account sent is message.sent with the same
// content: a poll from the phone.
func TestTranslateMessageKindSentFromPhone(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	src := types.MessageSource{Chat: group, Sender: types.NewADJID(ownPN.User, 0, 3), IsFromMe: true, IsGroup: true}
	raw := &waE2E.Message{DeviceSentMessage: &waE2E.DeviceSentMessage{
		DestinationJID: proto.String(group.String()),
		Message: &waE2E.Message{PollCreationMessage: &waE2E.PollCreationMessage{
			Name:                   proto.String("Lunch?"),
			Options:                []*waE2E.PollCreationMessage_Option{{OptionName: proto.String("Yes")}, {OptionName: proto.String("No")}},
			SelectableOptionsCount: proto.Uint32(1),
		}},
	}}
	if !c.push(kindMessage(src, "3EB0SENTPOLL", raw)) {
		t.Fatal("handler reported failure")
	}
	got := e.sink.ofType(events.TypeMessageSent)
	if len(got) != 1 {
		t.Fatalf("%d message.sent, want 1", len(got))
	}
	if err := events.Validate(got[0]); err != nil {
		t.Fatalf("invalid event: %v", err)
	}
	d := got[0].Data.(events.MessageReceived)
	if d.Type != events.KindPoll || d.Poll == nil || d.Poll.Question != "Lunch?" || len(d.Poll.Options) != 2 || !d.FromMe {
		t.Fatalf("sent poll translated as %+v", d)
	}
}

// Reactions and protocol messages have no translation as a message here:
// they are indexed and acked, not emitted as a kind they are not.
func TestUntranslatedKindsStaySilent(t *testing.T) {
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	for name, raw := range map[string]*waE2E.Message{
		"empty contacts array": {ContactsArrayMessage: &waE2E.ContactsArrayMessage{DisplayName: proto.String("0 contacts")}},
		"reaction":             {ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}},
		"protocol":             {ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum()}},
	} {
		e := newEnv(t)
		c := e.loggedInConnected("default")
		e.sink.reset()
		if !c.push(kindMessage(src, "3EB0SILENT", raw)) {
			t.Fatalf("%s: not acked", name)
		}
		for _, ev := range e.sink.all() {
			if ev.Type == events.TypeMessageReceived {
				t.Fatalf("%s became %+v", name, ev.Data)
			}
		}
	}
}
