package bridge

import (
	"context"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/vcard"
	"github.com/wabridge/wabridge/internal/werr"
)

// SendContactRequest is a contact card to send.
type SendContactRequest struct {
	To    string
	Name  string // shown on the card
	Phone string // the contact's number: digits, optionally with '+', or a phone JID
	Email string // optional
	Org   string // optional
	Key   string // as SendTextRequest.Key
}

// SendContact sends a contact card: a vCard 3.0 whose TEL line carries the
// waid parameter, so the recipient's WhatsApp offers "Message".
func (s *Session) SendContact(ctx context.Context, req SendContactRequest) (SendResult, error) {
	return s.sendContent(ctx, content{
		to: req.To, key: req.Key, text: req.Name, what: "sending the contact to %s",
		build: func(*link) (*waE2E.Message, error) { return contactMessage(req) },
	})
}

func contactMessage(req SendContactRequest) (*waE2E.Message, error) {
	phone, err := contactPhone(req.Phone)
	if err != nil {
		return nil, err
	}
	text, err := vcard.Build(vcard.Card{Name: req.Name, Phone: phone, Email: req.Email, Org: req.Org})
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "contact card: %v", err)
	}
	return &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
		DisplayName: proto.String(req.Name),
		Vcard:       proto.String(text),
	}}, nil
}

// contactPhone is the digits of a contact's number: the waid WhatsApp
// matches against its users is the international number without '+'.
func contactPhone(s string) (string, error) {
	jid, err := ParseRecipient(strings.TrimPrefix(strings.TrimSpace(s), "+"))
	if err != nil || jid.Server != types.DefaultUserServer {
		return "", werr.Invalid(werr.CodeInvalidPayload,
			"contact_phone %q is not a phone number (international digits, e.g. 4917698765432)", ident.Clip(s, 40))
	}
	return jid.User, nil
}
