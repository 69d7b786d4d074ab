package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// EditWindow is how long after its timestamp a message may be edited, as
// WhatsApp's users know it (CONTRACT §5). whatsmeow's own constant (20
// minutes) is what the server tolerates, not what clients offer.
const EditWindow = 15 * time.Minute

// builder builds reactions, edits and revokes with whatsmeow's Build*
// methods. A nil *whatsmeow.Client builds them without a connection: its
// own JID is empty, so a key names the sender exactly when a sender is
// passed, which the bridge decides from the cached message's FromMe.
func builder() *whatsmeow.Client { return nil }

// MessageActionRequest names a cached message to react to, edit, revoke or
// delete, and what to do with it.
type MessageActionRequest struct {
	// MessageID is the user form "<from_me>_<chat>_<id>", or a bare
	// WhatsApp id of a message in the chat of Phone.
	MessageID string
	Phone     string
	Emoji     string // message.reaction: "" removes the reaction
	Text      string // message.update: the new text
	Key       string // the command's idempotency key: the sent id derives from it
}

// ActionResult is what a reaction, edit, revoke or delete did.
type ActionResult struct {
	MessageID string    `json:"message_id"` // the target, user form
	Chat      string    `json:"chat"`
	WAID      string    `json:"wa_id,omitempty"` // the protocol message sent, if one was
	Timestamp time.Time `json:"timestamp"`
	// Emoji and Message are what a reaction or an edit put on the target,
	// so the chat store can apply the result (WhatsApp echoes neither).
	Emoji   string `json:"emoji,omitempty"`
	Message string `json:"message,omitempty"`
}

// target is the cached message req names, with the link to act on it.
func (s *Session) target(req MessageActionRequest) (*link, self, StoredMessage, error) {
	l, me := s.view()
	if !l.loggedIn(me) {
		return nil, self{}, StoredMessage{}, errNotLoggedIn(s.name)
	}
	chat := types.EmptyJID
	if req.Phone != "" {
		jid, err := ParseRecipient(req.Phone)
		if err != nil {
			return nil, self{}, StoredMessage{}, err
		}
		chat = jid
	}
	m, err := s.d.index.Lookup(s.name, req.MessageID, chat)
	if err != nil {
		return nil, self{}, StoredMessage{}, err
	}
	if !l.client.IsConnected() {
		return nil, self{}, StoredMessage{}, errNotConnected(s.name)
	}
	return l, me, m, nil
}

// keyed is a cached message with what a message key of it needs: its chat
// and, for others' messages, its sender.
type keyed struct {
	l      *link
	me     self
	m      StoredMessage
	chat   types.JID
	sender types.JID
}

// keyedTarget is target, with the chat and sender that a reaction or a
// revoke names the message by.
func (s *Session) keyedTarget(req MessageActionRequest) (keyed, error) {
	l, me, m, err := s.target(req)
	if err != nil {
		return keyed{}, err
	}
	chat, err := chatOf(m)
	if err != nil {
		return keyed{}, err
	}
	sender, err := keySender(m)
	if err != nil {
		return keyed{}, err
	}
	return keyed{l: l, me: me, m: m, chat: chat, sender: sender}, nil
}

// keySender is what BuildMessageKey needs to name m's sender: nobody for
// our own messages (FromMe), the sender otherwise.
func keySender(m StoredMessage) (types.JID, error) {
	if m.FromMe {
		return types.EmptyJID, nil
	}
	jid, err := types.ParseJID(m.Sender)
	if err != nil || jid.IsEmpty() {
		return types.EmptyJID, werr.New(werr.KindInternal, werr.CodeInternal, "cached message %s has no sender", m.ID)
	}
	return jid.ToNonAD(), nil
}

func chatOf(m StoredMessage) (types.JID, error) {
	jid, err := types.ParseJID(m.Chat)
	if err != nil {
		return types.EmptyJID, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "internal error")
	}
	return jid, nil
}

// networkClock is offered by a client whose network keeps its own time
// (the sandbox, whose clock tests advance); WhatsApp's time is ours.
type networkClock interface{ Now() time.Time }

func (l *link) now() time.Time {
	if c, ok := l.client.(networkClock); ok {
		return c.Now()
	}
	return time.Now()
}

// sendAction sends a reaction, edit or revoke of m under the command key's
// id. Nothing is cached: a protocol message is not quotable.
func (s *Session) sendAction(ctx context.Context, l *link, m StoredMessage, j sendJob) (ActionResult, error) {
	id := MessageIDFromKey(j.key)
	resp, err := s.sendMessage(ctx, l, j.to, j.msg, id) // tracing.go
	if err != nil {
		return ActionResult{}, classify(err, op(j.to, j.what, m.ID))
	}
	ts := resp.Timestamp
	if ts.IsZero() {
		ts = l.now()
	}
	return ActionResult{MessageID: userForm(m), Chat: m.Chat, WAID: id, Timestamp: ts.UTC()}, nil
}

func userForm(m StoredMessage) string { return msgid.Format(m.FromMe, m.Chat, m.ID) }
