package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// ForwardRequest is a message of the raw message cache to send on.
type ForwardRequest struct {
	// MessageID is the user form "<from_me>_<chat>_<id>" or a bare
	// WhatsApp id (then wherever the cache saw it last).
	MessageID string
	To        string // phone number or JID
	Key       string // the command's idempotency key, as for SendText
}

// ForwardMessage sends a cached message again to To with WhatsApp's
// forwarded mark: IsForwarded and the score one higher than the original's
// (clients show "forwarded many times" from 5). Its quote and mentions stay
// behind, as WhatsApp clients forward. Media is sent as the same encrypted
// blob (URL, direct path and keys unchanged), so nothing is uploaded again
// while WhatsApp still has it (forwardableMedia).
func (s *Session) ForwardMessage(ctx context.Context, req ForwardRequest) (SendResult, error) {
	to, err := ParseRecipient(req.To)
	if err != nil {
		return SendResult{}, err
	}
	l, me := s.view()
	if !l.loggedIn(me) {
		return SendResult{}, errNotLoggedIn(s.name)
	}
	orig, err := s.d.index.Lookup(s.name, req.MessageID, types.EmptyJID)
	if err != nil {
		return SendResult{}, err
	}
	msg, err := forwarded(orig)
	if err != nil {
		return SendResult{}, err
	}
	if !l.client.IsConnected() {
		return SendResult{}, errNotConnected(s.name)
	}
	if err := s.forwardableMedia(ctx, l, orig, msg); err != nil { // forward_media.go
		return SendResult{}, err
	}
	return s.send(ctx, l, me, sendJob{to: to, msg: msg, key: req.Key, text: orig.Text, what: "forwarding the message to %s"})
}

// forwarded is the message m as it is forwarded: a copy with a fresh
// context carrying only the forwarded mark. A view-once message is never
// forwarded (WhatsApp clients do not offer it), nor a kind the bridge has
// no context for.
func forwarded(m StoredMessage) (*waE2E.Message, error) {
	ref := ident.Clip(msgid.Format(m.FromMe, m.Chat, m.ID), 80)
	if text := m.Message.GetConversation(); text != "" || (m.Message == nil && m.Text != "") {
		// A plain Conversation has no context to carry the mark.
		if text == "" {
			text = m.Text
		}
		m.Message = &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(text)}}
	}
	if m.Message == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message %s has no content the bridge can forward", ref)
	}
	if m.ViewOnce || viewOnce(m.Message) {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message %s is view-once: it cannot be forwarded", ref)
	}
	msg := proto.CloneOf(m.Message)
	ci := contextSlot(msg)
	if ci == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message %s is of a kind the bridge cannot forward yet", ref)
	}
	score := (*ci).GetForwardingScore() + 1
	*ci = &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(score)}
	return msg, nil
}

// contextSlot is where msg's content keeps its ContextInfo: whatsmeow has
// no generic accessor, each content type has its own field.
func contextSlot(msg *waE2E.Message) **waE2E.ContextInfo {
	switch {
	case msg.ExtendedTextMessage != nil:
		return &msg.ExtendedTextMessage.ContextInfo
	case msg.ImageMessage != nil:
		return &msg.ImageMessage.ContextInfo
	case msg.VideoMessage != nil:
		return &msg.VideoMessage.ContextInfo
	case msg.PtvMessage != nil: // a round video note
		return &msg.PtvMessage.ContextInfo
	case msg.AudioMessage != nil:
		return &msg.AudioMessage.ContextInfo
	case msg.DocumentMessage != nil:
		return &msg.DocumentMessage.ContextInfo
	case msg.StickerMessage != nil:
		return &msg.StickerMessage.ContextInfo
	case msg.LocationMessage != nil:
		return &msg.LocationMessage.ContextInfo
	case msg.ContactMessage != nil:
		return &msg.ContactMessage.ContextInfo
	}
	return nil
}

// viewOnce reports whether msg is view-once: flagged on its media, or in a
// view-once envelope (as the bridge's own view-once sends are kept).
func viewOnce(msg *waE2E.Message) bool {
	if _, wrapped := unwrapViewOnce(msg); wrapped {
		return true
	}
	return msg.GetImageMessage().GetViewOnce() || msg.GetVideoMessage().GetViewOnce() || msg.GetPtvMessage().GetViewOnce() ||
		msg.GetAudioMessage().GetViewOnce()
}

// unwrapViewOnce is the message inside msg's view-once envelope (V1, V2 or
// the V2 extension) and true, or msg itself and false.
func unwrapViewOnce(msg *waE2E.Message) (*waE2E.Message, bool) {
	for _, env := range []*waE2E.FutureProofMessage{msg.GetViewOnceMessage(), msg.GetViewOnceMessageV2(), msg.GetViewOnceMessageV2Extension()} {
		if env.GetMessage() != nil {
			return env.GetMessage(), true
		}
	}
	return msg, false
}
