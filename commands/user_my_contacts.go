package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ContactLister lists the account's contacts as whatsmeow's device store
// knows them.
type ContactLister interface {
	Contacts(ctx context.Context, limit int, before string) (bridge.ContactPage, error)
}

type userMyContactsPayload struct {
	Limit  flexInt `json:"limit"`
	Before string  `json:"before"`
}

// contactsData answers as chat.list does: data is the array, the next
// page's cursor rides beside it as next_cursor.
type contactsData struct{ page bridge.ContactPage }

func (d contactsData) pageData() any      { return d.page.Contacts }
func (d contactsData) pageCursor() string { return d.page.NextCursor }

func userMyContacts(ctx context.Context, s ContactLister, _ Env, p userMyContactsPayload) (any, error) {
	page, err := s.Contacts(ctx, int(p.Limit), p.Before)
	if err != nil {
		return nil, fmt.Errorf("listing contacts: %w", err)
	}
	return contactsData{page}, nil
}
