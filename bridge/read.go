package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// readMarker is the read-receipt part of a session's client.
type readMarker interface {
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
}

var _ readMarker = (*whatsmeow.Client)(nil)

// MarkReadRequest names a received message to mark as read.
type MarkReadRequest struct {
	// MessageID is the user form "<from_me>_<chat>_<id>", or a bare
	// WhatsApp id of a message in the chat of Phone.
	MessageID string
	Phone     string
}

// ReadResult is what marking a message read did.
type ReadResult struct {
	MessageID string    `json:"message_id"` // user form
	Chat      string    `json:"chat"`
	ReadAt    time.Time `json:"read_at"`
}

// MarkRead sends WhatsApp's read receipt for a received message: the
// sender sees it read (unless the account's read receipts are off, then
// whatsmeow sends read-self), and the account's other devices clear the
// chat's unread mark. In a group the receipt names the message's sender,
// which only the raw message cache knows.
func (s *Session) MarkRead(ctx context.Context, req MarkReadRequest) (ReadResult, error) {
	chat, id, err := readTarget(req)
	if err != nil {
		return ReadResult{}, err
	}
	l, err := s.online()
	if err != nil {
		return ReadResult{}, err
	}
	sender := chat
	if chat.Server == types.GroupServer {
		m, err := s.d.index.Lookup(s.name, msgid.Format(false, chat.String(), id), chat)
		if err != nil {
			return ReadResult{}, err
		}
		if sender, err = types.ParseJID(m.Sender); err != nil {
			return ReadResult{}, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "internal error")
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	if err := l.client.MarkRead(ctx, []types.MessageID{id}, now, chat, sender); err != nil {
		return ReadResult{}, classify(err, op(chat, "marking message %s read", id))
	}
	return ReadResult{MessageID: msgid.Format(false, chat.String(), id), Chat: chat.String(), ReadAt: now}, nil
}

// readTarget is the chat and WhatsApp id of req: the chat of the user-form
// id, else Phone's. Only received messages have read receipts.
func readTarget(req MarkReadRequest) (types.JID, types.MessageID, error) {
	fromMe, chat, id, err := msgid.Parse(req.MessageID)
	if err != nil {
		return types.JID{}, "", werr.Invalid(werr.CodeInvalidPayload, "message id %q: %v", ident.Clip(req.MessageID, 80), err)
	}
	if fromMe {
		return types.JID{}, "", werr.Invalid(werr.CodeInvalidPayload, "message %s was sent by this account: only received messages are marked read", ident.Clip(req.MessageID, 80))
	}
	if chat == "" {
		if req.Phone == "" {
			return types.JID{}, "", werr.Invalid(werr.CodeInvalidPayload, "a bare message id needs phone, the chat it is in")
		}
		chat = req.Phone
	}
	jid, err := ParseRecipient(chat)
	if err != nil {
		return types.JID{}, "", err
	}
	return jid, id, nil
}
