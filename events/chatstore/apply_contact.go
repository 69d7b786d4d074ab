package chatstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/wabridge/wabridge/events"
)

func applyContactUpdated(ctx context.Context, t *txn, e applied) error {
	var c events.ContactUpdated
	if err := decode(e, &c); err != nil {
		return err
	}
	if c.Contact.JID == "" {
		return fmt.Errorf("%w: %s %s has no contact", errBadEvent, e.Type, e.ID)
	}
	names := contactNames{push: c.PushName, full: c.FullName, first: c.FirstName, business: c.BusinessName}
	for _, jid := range jidForms(c.Contact) {
		if err := t.upsertContact(ctx, e.Session, jid, names); err != nil {
			return err
		}
	}
	return nil
}

// contactNames are a contact's names; an empty one leaves the stored name.
type contactNames struct{ push, full, first, business string }

// jidForms are the distinct forms of who's JID: a contact's names are kept
// under each, so a chat finds them whichever form it is addressed by.
func jidForms(who events.JID) []string {
	forms := make([]string, 0, 3)
	for _, jid := range []string{who.JID, who.PN, who.LID} {
		if jid != "" && !slices.Contains(forms, jid) {
			forms = append(forms, jid)
		}
	}
	return forms
}

// upsertContact keeps the names of jid that are set.
func (t *txn) upsertContact(ctx context.Context, session, jid string, n contactNames) error {
	if _, err := t.bind(ctx, t.st.upsertContact).ExecContext(ctx,
		session, jid, n.push, n.full, n.first, n.business); err != nil {
		return fmt.Errorf("updating contact %s: %w", jid, err)
	}
	return nil
}
