package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/vcard"
	"github.com/wabridge/wabridge/internal/werr"
)

// A virtual contact's location, contact card and poll take the fields of
// the matching send.* command (CONTRACT §8) from Inbound.Fields and become
// the message a WhatsApp phone sends for them.

type inboundLocationFields struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Name      string   `json:"name"`
	Address   string   `json:"address"`
	URL       string   `json:"url"`
}

type inboundContactFields struct {
	Name  string `json:"contact_name"`
	Phone string `json:"contact_phone"`
	Email string `json:"contact_email"`
	Org   string `json:"contact_org"`
}

type inboundPollFields struct {
	Question        string   `json:"question"`
	Options         []string `json:"options"`
	SelectableCount int      `json:"selectable_count"`
}

// kindFields decodes the request's fields into v: the sandbox's own callers
// pass them as a map, the REST adapter as the whole body.
func kindFields(in Inbound, v any) error {
	raw, err := json.Marshal(in.Fields)
	if err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "%s fields: %v", in.Type, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "%s fields: %v", in.Type, err)
	}
	return nil
}

func inboundLocation(in Inbound) (*waE2E.Message, error) {
	var f inboundLocationFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	if f.Latitude == nil || f.Longitude == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "location: latitude and longitude are required")
	}
	return bridge.LocationMessage(bridge.SendLocationRequest{
		Latitude: *f.Latitude, Longitude: *f.Longitude, Name: f.Name, Address: f.Address, URL: f.URL,
	})
}

// inboundContact writes the card as a phone does, with the waid parameter
// that makes WhatsApp offer "Message".
func inboundContact(in Inbound) (*waE2E.Message, error) {
	var f inboundContactFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	text, err := vcard.Build(vcard.Card{Name: f.Name, Phone: f.Phone, Email: f.Email, Org: f.Org})
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "contact: %v", err)
	}
	return &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
		DisplayName: proto.String(f.Name), Vcard: proto.String(text),
	}}, nil
}

// inboundPoll carries a fresh message secret, as every poll does: votes on
// it are encrypted with it.
func inboundPoll(in Inbound) (*waE2E.Message, error) {
	var f inboundPollFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	if err := checkPoll(f); err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "poll: %v", err)
	}
	poll := &waE2E.PollCreationMessage{Name: proto.String(f.Question), SelectableOptionsCount: proto.Uint32(uint32(f.SelectableCount))}
	for _, o := range f.Options {
		poll.Options = append(poll.Options, &waE2E.PollCreationMessage_Option{OptionName: proto.String(o)})
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("making a poll secret: %w", err)
	}
	return &waE2E.Message{
		PollCreationMessage: poll,
		MessageContextInfo:  &waE2E.MessageContextInfo{MessageSecret: secret},
	}, nil
}

// checkPoll keeps WhatsApp's limits: a question, 2 to 12 distinct options,
// and at most as many to choose as there are (0: any number).
func checkPoll(f inboundPollFields) error {
	if f.Question == "" {
		return fmt.Errorf("question is empty")
	}
	if n := len(f.Options); n < 2 || n > 12 {
		return fmt.Errorf("%d options, want 2 to 12", n)
	}
	seen := make(map[string]bool, len(f.Options))
	for _, o := range f.Options {
		if o == "" || seen[o] {
			return fmt.Errorf("option %q is empty or given twice", o)
		}
		seen[o] = true
	}
	if f.SelectableCount < 0 || f.SelectableCount > len(f.Options) {
		return fmt.Errorf("selectable_count %d is not within 0..%d", f.SelectableCount, len(f.Options))
	}
	return nil
}

// stanzaType is the message stanza's type WhatsApp gives a message
// (whatsmeow's MessageInfo.Type): polls and reactions have their own,
// everything with a media part is media, the rest text.
func stanzaType(m *waE2E.Message) string {
	switch {
	case m.GetPollCreationMessage() != nil, m.GetPollUpdateMessage() != nil:
		return "poll"
	case m.GetReactionMessage() != nil:
		return "reaction"
	case m.GetLocationMessage() != nil, m.GetContactMessage() != nil, m.GetImageMessage() != nil,
		m.GetVideoMessage() != nil, m.GetAudioMessage() != nil, m.GetDocumentMessage() != nil, m.GetStickerMessage() != nil:
		return "media"
	}
	return "text"
}
