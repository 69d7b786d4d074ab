package bridge

import (
	"context"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// React sends req.Emoji as the account's reaction to a cached message; an
// empty emoji removes the reaction, as WhatsApp clients do. The key names
// the message from our side: FromMe for our own, else the sender (as
// Participant in groups).
func (s *Session) React(ctx context.Context, req MessageActionRequest) (ActionResult, error) {
	if len(req.Emoji) > 64 {
		return ActionResult{}, werr.Invalid(werr.CodeInvalidPayload, "emoji %q is too long for a reaction", ident.Clip(req.Emoji, 16))
	}
	k, err := s.keyedTarget(req)
	if err != nil {
		return ActionResult{}, err
	}
	msg := builder().BuildReaction(k.chat, k.sender, k.m.ID, req.Emoji)
	res, err := s.sendAction(ctx, k.l, k.m, sendJob{to: k.chat, msg: msg, key: req.Key, what: "reacting to message %s"})
	res.Emoji = req.Emoji
	return res, err
}
