package bridge

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// Contact is one entry of user.my.contacts.
type Contact struct {
	JID          string `json:"jid"`
	Name         string `json:"name"` // the best name: address book, else push, else business
	FullName     string `json:"full_name,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	PushName     string `json:"push_name,omitempty"`
	BusinessName string `json:"business_name,omitempty"`
}

// ContactPage is one page of user.my.contacts, ordered by JID.
type ContactPage struct {
	Contacts   []Contact
	NextCursor string // "" on the last page
}

// Contacts lists the people whatsmeow's device store has names of: the
// phone's address book (app-state sync) and push names seen. One person
// may appear under both their phone-number JID and their LID, as
// whatsmeow keeps both. The store is local: no request goes to WhatsApp.
func (s *Session) Contacts(ctx context.Context, limit int, before string) (ContactPage, error) {
	after, err := decodeContactCursor(before)
	if err != nil {
		return ContactPage{}, err
	}
	l, me := s.view()
	if !l.loggedIn(me) {
		return ContactPage{}, errNotLoggedIn(s.name)
	}
	cs, err := s.contactStore(l)
	if err != nil {
		return ContactPage{}, err
	}
	all, err := cs.GetAllContacts(ctx)
	if err != nil {
		return ContactPage{}, fmt.Errorf("reading contacts from the device store: %w", err)
	}
	return contactPage(all, after, clampPage(limit, DefaultContactPage, MaxContactPage)), nil
}

// A page of contacts: the bridge depends on event types only, so it keeps
// its own bounds rather than the chat view's (the same numbers).
const (
	DefaultContactPage = 50
	MaxContactPage     = 500
)

func clampPage(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

func contactPage(all map[types.JID]types.ContactInfo, after string, limit int) ContactPage {
	jids := make([]string, 0, len(all))
	byJID := make(map[string]types.ContactInfo, len(all))
	for jid, c := range all {
		if c.FullName == "" && c.FirstName == "" && c.PushName == "" && c.BusinessName == "" {
			continue // a redacted phone of a group member: no one to list
		}
		jids = append(jids, jid.String())
		byJID[jid.String()] = c
	}
	slices.Sort(jids)
	start, _ := slices.BinarySearch(jids, after)
	if start < len(jids) && jids[start] == after {
		start++
	}
	page := ContactPage{Contacts: []Contact{}}
	for _, jid := range jids[start:] {
		if len(page.Contacts) == limit {
			page.NextCursor = encodeContactCursor(page.Contacts[limit-1].JID)
			break
		}
		c := byJID[jid]
		page.Contacts = append(page.Contacts, Contact{
			JID: jid, Name: contactName(c), FullName: c.FullName, FirstName: c.FirstName,
			PushName: c.PushName, BusinessName: c.BusinessName,
		})
	}
	return page
}

func contactName(c types.ContactInfo) string {
	for _, n := range []string{c.FullName, c.FirstName, c.PushName, c.BusinessName} {
		if n != "" {
			return n
		}
	}
	return ""
}

// The cursor is the last JID of a page, opaque to callers.
func encodeContactCursor(jid string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c|" + jid))
}

func decodeContactCursor(cur string) (string, error) {
	if cur == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil || len(b) < 3 || string(b[:2]) != "c|" {
		return "", werr.Invalid(werr.CodeInvalidPayload, "before is not a cursor this bridge made: pass next_cursor of the previous page")
	}
	return string(b[2:]), nil
}

// contactStore is whatsmeow's contact store of l's device. whatsmeow sets
// it when the device is first saved (at pairing, before PairSuccess, which
// the session handles under its lock), so reading it under the lock sees
// it.
func (s *Session) contactStore(l *link) (store.ContactStore, error) {
	s.mu.Lock()
	cs := l.dev.Contacts
	s.mu.Unlock()
	if cs == nil {
		return nil, errNotLoggedIn(s.name)
	}
	return cs, nil
}

func (s *Session) contactOf(ctx context.Context, l *link, jid types.JID) (types.ContactInfo, error) {
	cs, err := s.contactStore(l)
	if err != nil {
		return types.ContactInfo{}, err
	}
	return cs.GetContact(ctx, jid)
}
