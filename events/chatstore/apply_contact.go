package chatstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/wabridge/wabridge/events"
)

func applyContactUpdated(ctx context.Context, tx *sql.Tx, e applied) error {
	var c events.ContactUpdated
	if err := decode(e, &c); err != nil {
		return err
	}
	if c.Contact.JID == "" {
		return fmt.Errorf("%w: %s %s has no contact", errBadEvent, e.Type, e.ID)
	}
	return upsertContact(ctx, tx, e.Session, c.Contact, c)
}

// upsertContact keeps the names of names that are set, under every form of
// the contact's JID, so a chat finds them whichever form it is addressed by.
func upsertContact(ctx context.Context, tx *sql.Tx, session string, who events.JID, names events.ContactUpdated) error {
	seen := map[string]bool{}
	for _, jid := range []string{who.JID, who.PN, who.LID} {
		if jid == "" || seen[jid] {
			continue
		}
		seen[jid] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO contacts
			(session, jid, push_name, full_name, first_name, business_name)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (session, jid) DO UPDATE SET
				push_name = CASE WHEN excluded.push_name <> '' THEN excluded.push_name ELSE contacts.push_name END,
				full_name = CASE WHEN excluded.full_name <> '' THEN excluded.full_name ELSE contacts.full_name END,
				first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE contacts.first_name END,
				business_name = CASE WHEN excluded.business_name <> '' THEN excluded.business_name ELSE contacts.business_name END`,
			session, jid, names.PushName, names.FullName, names.FirstName, names.BusinessName); err != nil {
			return fmt.Errorf("updating contact %s: %w", jid, err)
		}
	}
	return nil
}
