package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupAnnouncer switches groups' announcement mode.
type GroupAnnouncer interface {
	SetGroupAnnounce(ctx context.Context, groupID string, announce bool) (bridge.GroupChange, error)
}

type groupAnnouncePayload struct {
	GroupID    string `json:"group_id"`
	IsAnnounce bool   `json:"is_announce"`
}

func groupAnnounce(ctx context.Context, s GroupAnnouncer, _ Env, p groupAnnouncePayload) (any, error) {
	c, err := s.SetGroupAnnounce(ctx, p.GroupID, p.IsAnnounce)
	if err != nil {
		return nil, fmt.Errorf("setting announcement mode: %w", err)
	}
	return groupChanged{c}, nil
}
