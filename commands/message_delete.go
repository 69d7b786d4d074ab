package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ForMeDeleter deletes a message on the account's own devices only.
type ForMeDeleter interface {
	DeleteForMe(ctx context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error)
}

// messageDelete answers with the deleted message's id and chat: the chat
// store removes the message when it applies this result.
func messageDelete(ctx context.Context, s ForMeDeleter, env Env, p messageTargetPayload) (any, error) {
	r, err := s.DeleteForMe(ctx, bridge.MessageActionRequest{MessageID: p.MessageID, Phone: p.Phone, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("deleting message for me: %w", err)
	}
	return actionData{r}, nil
}
