package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupJoiner joins groups by invite link.
type GroupJoiner interface {
	JoinGroupWithLink(ctx context.Context, link string) (bridge.GroupJoin, error)
}

type groupJoinPayload struct {
	InviteLink string `json:"invite_link"`
}

type groupJoined struct{ bridge.GroupJoin }

func (d groupJoined) chat() string { return d.GroupID }

func groupJoinWithLink(ctx context.Context, s GroupJoiner, _ Env, p groupJoinPayload) (any, error) {
	j, err := s.JoinGroupWithLink(ctx, p.InviteLink)
	if err != nil {
		return nil, fmt.Errorf("joining group: %w", err)
	}
	return groupJoined{j}, nil
}
