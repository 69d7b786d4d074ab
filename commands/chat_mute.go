package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

// ChatMuter mutes and unmutes chats.
type ChatMuter interface {
	MuteChat(ctx context.Context, chat string, mute bool, d time.Duration) (bridge.ChatChange, error)
}

type chatMutePayload struct {
	ChatJID string `json:"chat_jid"`
	IsMute  bool   `json:"is_mute"`
	// Duration is in seconds; absent or 0 mutes forever, as WhatsApp's
	// "always".
	Duration int64 `json:"duration"`
}

func chatMute(ctx context.Context, s ChatMuter, _ Env, p chatMutePayload) (any, error) {
	c, err := s.MuteChat(ctx, p.ChatJID, p.IsMute, time.Duration(p.Duration)*time.Second)
	if err != nil {
		return nil, fmt.Errorf("muting chat: %w", err)
	}
	return chatChanged{c}, nil
}
