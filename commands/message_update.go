package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// Editor edits the text of one of the account's own messages.
type Editor interface {
	EditMessage(ctx context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error)
}

type messageUpdatePayload struct {
	MessageID string `json:"message_id"`
	Phone     string `json:"phone"`
	Message   string `json:"message"` // the new text
}

type editedData struct {
	actionData
	Message string `json:"message"`
}

func messageUpdate(ctx context.Context, s Editor, env Env, p messageUpdatePayload) (any, error) {
	r, err := s.EditMessage(ctx, bridge.MessageActionRequest{MessageID: p.MessageID, Phone: p.Phone, Text: p.Message, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("editing message: %w", err)
	}
	return editedData{actionData: actionData{r}, Message: p.Message}, nil
}
