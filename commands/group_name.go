package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupRenamer renames groups.
type GroupRenamer interface {
	SetGroupName(ctx context.Context, groupID, name string) (bridge.GroupChange, error)
}

type groupNamePayload struct {
	GroupID string `json:"group_id"`
	Name    string `json:"name"`
}

func groupName(ctx context.Context, s GroupRenamer, _ Env, p groupNamePayload) (any, error) {
	c, err := s.SetGroupName(ctx, p.GroupID, p.Name)
	if err != nil {
		return nil, fmt.Errorf("renaming group: %w", err)
	}
	return groupChanged{c}, nil
}
