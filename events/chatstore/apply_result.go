package chatstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// The command results the store applies, as commands.ResultTypeOf names
// them (the store does not depend on the commands package). WhatsApp
// echoes neither a message this device sent nor its own read receipt, so
// these results are the only trace of them on the stream.
const (
	commandTypePrefix = "io.wabridge.command."
	resultTypeSuffix  = ".result"
	resultForward     = commandTypePrefix + "message.forward" + resultTypeSuffix
	resultRead        = commandTypePrefix + "message.read" + resultTypeSuffix
	sendTypePrefix    = commandTypePrefix + "send."
)

// resultApplier is what a command result changes, nil for results the
// store does not keep.
func resultApplier(typ string) applier {
	switch {
	case typ == resultRead:
		return applyReadResult
	case typ == resultForward,
		strings.HasPrefix(typ, sendTypePrefix) && strings.HasSuffix(typ, resultTypeSuffix):
		return applySentResult
	}
	return nil
}

// resultEnvelope is the data of a result CloudEvent (CONTRACT §5).
type resultEnvelope struct {
	Status int             `json:"status"`
	Data   json.RawMessage `json:"data"`
}

// succeeded decodes the data of a successful result into v; false for a
// failed command, which changed nothing on WhatsApp.
func succeeded(e applied, v any) (bool, error) {
	var env resultEnvelope
	if err := decode(e, &env); err != nil {
		return false, err
	}
	if env.Status != http.StatusOK {
		return false, nil
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return false, fmt.Errorf("%w: %s %s: result data: %v", errBadEvent, e.Type, e.ID, err)
	}
	return true, nil
}

// sentResult is the data of a send.* or message.forward result.
type sentResult struct {
	MessageID     string    `json:"message_id"`
	WAID          string    `json:"wa_id"`
	Chat          string    `json:"chat"`
	Timestamp     time.Time `json:"timestamp"`
	Type          string    `json:"type"`
	Message       string    `json:"message"`
	ReplyTo       string    `json:"reply_message_id"`
	ForwardedFrom string    `json:"forwarded_from"`
	// Poll is a send.poll's question and options (apply_poll.go).
	Poll *events.Poll `json:"poll"`
}

// applySentResult adds a message sent through the bridge as from_me: the
// chat's last message moves, its unread count does not.
func applySentResult(ctx context.Context, t *txn, e applied) error {
	var r sentResult
	ok, err := succeeded(e, &r)
	if err != nil || !ok {
		return err
	}
	if r.Chat == "" || r.WAID == "" {
		return fmt.Errorf("%w: %s %s has no chat or message id", errBadEvent, e.Type, e.ID)
	}
	m, err := sentMessage(ctx, t.tx, e.Session, r)
	if err != nil {
		return err
	}
	inserted, err := t.insertMessage(ctx, e.Session, m)
	if err != nil || !inserted {
		return err
	}
	t.touchChat(e.Session, m, 0)
	return nil
}

// sentMessage is the message of r as message events carry one; a forward
// has the content of the message it forwarded, as far as the store has it.
func sentMessage(ctx context.Context, tx *sql.Tx, session string, r sentResult) (messageData, error) {
	from, err := ownSender(ctx, tx, session)
	if err != nil {
		return messageData{}, err
	}
	m := messageData{MessageReceived: events.MessageReceived{
		ID: r.MessageID, WAID: r.WAID, Chat: events.JID{JID: r.Chat}, Sender: from, FromMe: true,
		IsGroup: isGroupJID(r.Chat), Timestamp: r.Timestamp, Type: r.Type, Text: r.Message, Poll: r.Poll,
	}}
	if m.ID == "" {
		m.ID = msgid.Format(true, r.Chat, r.WAID)
	}
	if r.ReplyTo != "" {
		q, err := quotedRef(ctx, tx, session, r.Chat, r.ReplyTo)
		if err != nil {
			return messageData{}, err
		}
		m.Quoted = &q
	}
	if r.ForwardedFrom != "" {
		src, found, err := storedMessage(ctx, tx, session, r.Chat, r.ForwardedFrom)
		if err != nil {
			return messageData{}, err
		}
		m.Type, m.Text, m.Media = unknownType, "", nil
		if found {
			m.Type, m.Text, m.Media = src.typ, src.text, src.media
		}
	}
	if m.Type == "" {
		m.Type = unknownType
	}
	return m, nil
}

// unknownType is the type of a sent message whose content the store does
// not know (a forward of a message it never saw).
const unknownType = "unknown"

// quotedRef is the message replied to, with its sender and text when the
// store has it.
func quotedRef(ctx context.Context, tx *sql.Tx, session, chat, ref string) (events.QuotedRef, error) {
	src, found, err := storedMessage(ctx, tx, session, chat, ref)
	if err != nil || !found {
		q := events.QuotedRef{WAID: ref}
		if fromMe, c, id, perr := msgid.Parse(ref); perr == nil {
			q = events.QuotedRef{ID: msgid.Format(fromMe, c, id), WAID: id}
		}
		return q, err
	}
	return events.QuotedRef{ID: src.id, WAID: src.waID, Sender: src.sender, Text: src.text}, nil
}

type storedMsg struct {
	id, waID, sender, typ, text string
	media                       json.RawMessage
}

// storedMessage finds ref, a user-form id or a bare WhatsApp id: a bare
// id in chat first, then the newest message of that id in any chat (as the
// bridge's raw cache resolves a bare id to where it saw it last).
func storedMessage(ctx context.Context, tx *sql.Tx, session, chat, ref string) (storedMsg, bool, error) {
	const inChat = `session = $1 AND chat = $2 AND wa_id = $3`
	if _, c, id, err := msgid.Parse(ref); err == nil {
		return storedMessageIn(ctx, tx, inChat, session, c, id)
	}
	m, found, err := storedMessageIn(ctx, tx, inChat, session, chat, ref)
	if err != nil || found {
		return m, found, err
	}
	return storedMessageIn(ctx, tx, `session = $1 AND wa_id = $2`, session, ref)
}

func storedMessageIn(ctx context.Context, tx *sql.Tx, where string, args ...any) (storedMsg, bool, error) {
	var (
		m     storedMsg
		media sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT id, wa_id, sender, type, text, media FROM messages
		WHERE `+where+` ORDER BY timestamp DESC LIMIT 1`, args...).
		Scan(&m.id, &m.waID, &m.sender, &m.typ, &m.text, &media)
	if errors.Is(err, sql.ErrNoRows) {
		return storedMsg{}, false, nil
	}
	if err != nil {
		return storedMsg{}, false, fmt.Errorf("looking up message %v: %w", args[len(args)-1], err)
	}
	if media.Valid {
		m.media = json.RawMessage(media.String)
	}
	return m, true, nil
}

// readResult is the data of a message.read result.
type readResult struct {
	Chat string `json:"chat"`
}

// applyReadResult clears the unread count of the chat read here.
func applyReadResult(ctx context.Context, t *txn, e applied) error {
	var r readResult
	ok, err := succeeded(e, &r)
	if err != nil || !ok {
		return err
	}
	if r.Chat == "" {
		return fmt.Errorf("%w: %s %s has no chat", errBadEvent, e.Type, e.ID)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE chats SET unread_count = 0 WHERE session = $1 AND jid = $2`,
		e.Session, r.Chat); err != nil {
		return fmt.Errorf("clearing unread count of %s: %w", r.Chat, err)
	}
	return nil
}
