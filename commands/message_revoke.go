package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// Revoker deletes a message for everyone.
type Revoker interface {
	RevokeMessage(ctx context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error)
}

type messageTargetPayload struct {
	MessageID string `json:"message_id"`
	Phone     string `json:"phone"`
}

func messageRevoke(ctx context.Context, s Revoker, env Env, p messageTargetPayload) (any, error) {
	r, err := s.RevokeMessage(ctx, bridge.MessageActionRequest{MessageID: p.MessageID, Phone: p.Phone, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("revoking message: %w", err)
	}
	return actionData{r}, nil
}
