package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupLeaver leaves groups.
type GroupLeaver interface {
	LeaveGroup(ctx context.Context, groupID string) (bridge.GroupChange, error)
}

// groupChanged is the answer of a change of a group, audited under the
// group.
type groupChanged struct{ bridge.GroupChange }

func (d groupChanged) chat() string { return d.GroupID }

func groupLeave(ctx context.Context, s GroupLeaver, _ Env, p groupPayload) (any, error) {
	c, err := s.LeaveGroup(ctx, p.GroupID)
	if err != nil {
		return nil, fmt.Errorf("leaving group: %w", err)
	}
	return groupChanged{c}, nil
}
