package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupLocker locks and unlocks groups' info.
type GroupLocker interface {
	SetGroupLocked(ctx context.Context, groupID string, locked bool) (bridge.GroupChange, error)
}

type groupLockedPayload struct {
	GroupID  string `json:"group_id"`
	IsLocked bool   `json:"is_locked"`
}

func groupLocked(ctx context.Context, s GroupLocker, _ Env, p groupLockedPayload) (any, error) {
	c, err := s.SetGroupLocked(ctx, p.GroupID, p.IsLocked)
	if err != nil {
		return nil, fmt.Errorf("locking group: %w", err)
	}
	return groupChanged{c}, nil
}
