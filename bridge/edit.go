package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// EditMessage replaces the text of one of the account's own messages. Only
// the sender edits (FORBIDDEN otherwise), and only within EditWindow of the
// original's timestamp by the network's clock (EDIT_WINDOW_CLOSED after).
func (s *Session) EditMessage(ctx context.Context, req MessageActionRequest) (ActionResult, error) {
	if req.Text == "" {
		return ActionResult{}, werr.Invalid(werr.CodeInvalidPayload, "message text must not be empty")
	}
	l, _, m, err := s.target(req)
	if err != nil {
		return ActionResult{}, err
	}
	ref := ident.Clip(userForm(m), 80)
	if !m.FromMe {
		return ActionResult{}, werr.New(werr.KindForbidden, werr.CodeForbidden, "message %s was sent by someone else: only its sender edits it", ref)
	}
	if !editable(m.Message) {
		return ActionResult{}, werr.Invalid(werr.CodeInvalidPayload, "message %s is not a text message: only text is edited", ref)
	}
	if age := l.now().Sub(m.Timestamp); age > EditWindow {
		return ActionResult{}, werr.New(werr.KindConflict, werr.CodeEditWindowClosed,
			"message %s was sent %s ago: messages are edited within %s", ref, age.Truncate(1e9), EditWindow)
	}
	chat, err := chatOf(m)
	if err != nil {
		return ActionResult{}, err
	}
	msg := builder().BuildEdit(chat, m.ID, &waE2E.Message{Conversation: proto.String(req.Text)})
	res, err := s.sendAction(ctx, l, m, sendJob{to: chat, msg: msg, key: req.Key, what: "editing message %s"})
	res.Message = req.Text
	return res, err
}

// editable reports whether msg is text WhatsApp lets its sender edit; a
// cached message without a proto (older caches) was text.
func editable(msg *waE2E.Message) bool {
	return msg == nil || msg.GetConversation() != "" || msg.GetExtendedTextMessage() != nil
}
