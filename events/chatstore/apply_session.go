package chatstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/events"
)

// applyAccount keeps the session's own number from session.paired and
// session.connected: the sender of the messages sent through the bridge,
// whose results do not name it.
func applyAccount(ctx context.Context, t *txn, e applied) error {
	var st events.SessionState
	if err := decode(e, &st); err != nil {
		return err
	}
	jid := ownJID(st.JID)
	if jid == "" {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO accounts (session, jid) VALUES ($1, $2)
		ON CONFLICT (session) DO UPDATE SET jid = excluded.jid`, e.Session, jid); err != nil {
		return fmt.Errorf("recording the account of session %s: %w", e.Session, err)
	}
	return nil
}

// ownJID is the account's phone-number JID without its device
// ("4917612345678:3@s.whatsapp.net" is "4917612345678@s.whatsapp.net"),
// as received messages name senders; "" when the event names no number.
func ownJID(j *events.JID) string {
	if j == nil {
		return ""
	}
	jid := j.PN
	if jid == "" && strings.HasSuffix(j.JID, "@s.whatsapp.net") {
		jid = j.JID
	}
	user, server, ok := strings.Cut(jid, "@")
	if !ok {
		return ""
	}
	user, _, _ = strings.Cut(user, ":")
	return user + "@" + server
}

// ownSender is the sender of a message this account sent through the
// bridge: its own number once a session event named it, else me (the
// stream then holds no session.connected of it any more).
func ownSender(ctx context.Context, tx *sql.Tx, session string) (events.JID, error) {
	var jid string
	err := tx.QueryRowContext(ctx, `SELECT jid FROM accounts WHERE session = $1`, session).Scan(&jid)
	if errors.Is(err, sql.ErrNoRows) {
		return events.JID{JID: SenderMe}, nil
	}
	if err != nil {
		return events.JID{}, fmt.Errorf("reading the account of session %s: %w", session, err)
	}
	return events.JID{JID: jid}, nil
}

// SenderMe is the from of a message sent through the bridge before the
// store learnt the account's number.
const SenderMe = "me"
