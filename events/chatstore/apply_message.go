package chatstore

import (
	"context"
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

func applyMessage(kind messageKind) applier {
	return func(ctx context.Context, t *txn, e applied) error {
		m, err := e.message()
		if err != nil {
			return err
		}
		if m.Chat.JID == "" || m.WAID == "" {
			return fmt.Errorf("%w: %s %s has no chat or message id", errBadEvent, e.Type, e.ID)
		}
		inserted, err := t.insertMessage(ctx, e.Session, m)
		if err != nil || !inserted {
			return err
		}
		unread := 0
		if kind == messageReceived && !m.FromMe {
			unread = 1
		}
		t.touchChat(e.Session, m, unread)
		if !m.FromMe && m.PushName != "" {
			t.namePushed(e.Session, jidForms(m.Sender), m.PushName)
		}
		return nil
	}
}

// message is e's data as a message event's.
func (e applied) message() (messageData, error) {
	if e.msg != nil {
		return *e.msg, e.msgErr
	}
	var m messageData
	err := decode(e, &m)
	return m, err
}

// insertMessage adds m unless the chat has a message of that WhatsApp id
// already (then inserted is false and nothing else changes).
func (t *txn) insertMessage(ctx context.Context, session string, m messageData) (inserted bool, err error) {
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
	res, err := t.bind(ctx, t.st.insertMessage).ExecContext(ctx,
		session, m.Chat.JID, m.WAID, m.ID, senderOf(m), boolInt(m.FromMe), m.Type, m.Text,
		m.Timestamp.UnixNano(), quoted, media)
	if err != nil {
		return false, fmt.Errorf("inserting message %s: %w", m.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("inserting message %s: %w", m.ID, err)
	}
	if n == 1 && m.Poll != nil {
		return true, t.keepPoll(ctx, session, m) // apply_poll.go
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

// preview is a chat's last_message: the text, or the kind of message in
// brackets ("[image]") when it has none.
func preview(m messageData) string {
	if m.Text != "" {
		return m.Text
	}
	return "[" + m.Type + "]"
}
