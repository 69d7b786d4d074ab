package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// AvatarGetter asks WhatsApp for a profile picture.
type AvatarGetter interface {
	Avatar(ctx context.Context, phone string, preview bool) (bridge.Avatar, error)
}

type userAvatarPayload struct {
	Phone     string   `json:"phone"`
	JID       string   `json:"jid"`
	IsPreview flexBool `json:"is_preview"`
}

func userAvatar(ctx context.Context, s AvatarGetter, _ Env, p userAvatarPayload) (any, error) {
	who, err := oneUser(p.Phone, p.JID)
	if err != nil {
		return nil, err
	}
	a, err := s.Avatar(ctx, who, p.IsPreview.val)
	if err != nil {
		return nil, fmt.Errorf("asking for a profile picture: %w", err)
	}
	return a, nil
}
