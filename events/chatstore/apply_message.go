package chatstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/wabridge/wabridge/events"
)

// messageKind says how a message event changes its chat.
type messageKind int

const (
	messageReceived messageKind = iota // counts as unread unless from me
	messageSent                        // sent from another device: read
	messageHistory                     // the past: unread counts come from the sync's chat.updated
)

// messageData is the data of the message events, with the media reference
// kept as the event carried it.
type messageData struct {
	events.MessageReceived
	Media json.RawMessage `json:"media,omitempty"`
}

func applyMessage(kind messageKind) func(context.Context, *sql.Tx, applied) error {
	return func(ctx context.Context, tx *sql.Tx, e applied) error {
		var m messageData
		if err := decode(e, &m); err != nil {
			return err
		}
		if m.Chat.JID == "" || m.WAID == "" {
			return fmt.Errorf("%w: %s %s has no chat or message id", errBadEvent, e.Type, e.ID)
		}
		inserted, err := insertMessage(ctx, tx, e.Session, m)
		if err != nil || !inserted {
			return err
		}
		unread := 0
		if kind == messageReceived && !m.FromMe {
			unread = 1
		}
		if err := touchChat(ctx, tx, e.Session, m, unread); err != nil {
			return err
		}
		if !m.FromMe && m.PushName != "" {
			return upsertContact(ctx, tx, e.Session, m.Sender, events.ContactUpdated{PushName: m.PushName})
		}
		return nil
	}
}

// insertMessage adds m unless the chat has a message of that WhatsApp id
// already (then inserted is false and nothing else changes).
func insertMessage(ctx context.Context, tx *sql.Tx, session string, m messageData) (inserted bool, err error) {
	var quoted, media any
	if m.Quoted != nil {
		b, err := json.Marshal(m.Quoted)
		if err != nil {
			return false, fmt.Errorf("encoding quoted message: %w", err)
		}
		quoted = string(b)
	}
	if len(m.Media) > 0 && string(m.Media) != "null" {
		media = string(m.Media)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO messages
		(session, chat, wa_id, id, sender, from_me, type, text, timestamp, quoted, media)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (session, chat, wa_id) DO NOTHING`,
		session, m.Chat.JID, m.WAID, m.ID, senderOf(m), boolInt(m.FromMe), m.Type, m.Text,
		m.Timestamp.UnixNano(), quoted, media)
	if err != nil {
		return false, fmt.Errorf("inserting message %s: %w", m.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("inserting message %s: %w", m.ID, err)
	}
	return n == 1, nil
}

// senderOf is the phone-number form when known: users read numbers.
func senderOf(m messageData) string {
	if m.Sender.PN != "" {
		return m.Sender.PN
	}
	return m.Sender.JID
}

// touchChat creates the chat or moves its last message to m if m is newer,
// and adds unread to its unread count.
func touchChat(ctx context.Context, tx *sql.Tx, session string, m messageData, unread int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO chats
		(session, jid, is_group, unread_count, last_message, last_message_time, last_message_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (session, jid) DO UPDATE SET
			unread_count = chats.unread_count + excluded.unread_count,
			last_message = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message ELSE chats.last_message END,
			last_message_id = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message_id ELSE chats.last_message_id END,
			last_message_time = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message_time ELSE chats.last_message_time END`,
		session, m.Chat.JID, boolInt(m.IsGroup || isGroupJID(m.Chat.JID)), unread,
		preview(m), m.Timestamp.UnixNano(), m.ID)
	if err != nil {
		return fmt.Errorf("updating chat %s for message %s: %w", m.Chat.JID, m.ID, err)
	}
	return nil
}

// preview is a chat's last_message: the text, or the kind of message in
// brackets ("[image]") when it has none.
func preview(m messageData) string {
	if m.Text != "" {
		return m.Text
	}
	return "[" + m.Type + "]"
}
