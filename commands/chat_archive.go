package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ChatArchiver archives and unarchives chats.
type ChatArchiver interface {
	ArchiveChat(ctx context.Context, chat string, archive bool) (bridge.ChatChange, error)
}

type chatArchivePayload struct {
	ChatJID   string `json:"chat_jid"`
	IsArchive bool   `json:"is_archive"`
}

// chatChanged is the answer of chat.archive, chat.mute and chat.pin; its
// chat is the result's subject, so the audit trail of a chat has them.
type chatChanged struct{ bridge.ChatChange }

func (d chatChanged) chat() string { return d.Chat }

func chatArchive(ctx context.Context, s ChatArchiver, _ Env, p chatArchivePayload) (any, error) {
	c, err := s.ArchiveChat(ctx, p.ChatJID, p.IsArchive)
	if err != nil {
		return nil, fmt.Errorf("archiving chat: %w", err)
	}
	return chatChanged{c}, nil
}
