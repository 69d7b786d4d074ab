package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ChatPinner pins and unpins chats.
type ChatPinner interface {
	PinChat(ctx context.Context, chat string, pin bool) (bridge.ChatChange, error)
}

type chatPinPayload struct {
	ChatJID string `json:"chat_jid"`
	IsPin   bool   `json:"is_pin"`
}

func chatPin(ctx context.Context, s ChatPinner, _ Env, p chatPinPayload) (any, error) {
	c, err := s.PinChat(ctx, p.ChatJID, p.IsPin)
	if err != nil {
		return nil, fmt.Errorf("pinning chat: %w", err)
	}
	return chatChanged{c}, nil
}
