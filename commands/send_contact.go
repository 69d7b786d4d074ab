package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ContactSender sends a contact card.
type ContactSender interface {
	SendContact(ctx context.Context, req bridge.SendContactRequest) (bridge.SendResult, error)
}

type sendContactPayload struct {
	Phone        string `json:"phone"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	ContactEmail string `json:"contact_email"`
	ContactOrg   string `json:"contact_org"`
}

func sendContact(ctx context.Context, s ContactSender, env Env, p sendContactPayload) (any, error) {
	res, err := s.SendContact(ctx, bridge.SendContactRequest{
		To: p.Phone, Name: p.ContactName, Phone: p.ContactPhone,
		Email: p.ContactEmail, Org: p.ContactOrg, Key: env.Key,
	})
	if err != nil {
		return nil, fmt.Errorf("sending contact: %w", err)
	}
	d := sent(res)
	d.Type, d.Message = "contact", p.ContactName
	return d, nil
}
