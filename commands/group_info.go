package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupInfoReader reads a group's info from WhatsApp.
type GroupInfoReader interface {
	GroupInfo(ctx context.Context, groupID string) (bridge.GroupInfo, error)
}

// groupPayload names a group: the payload of group.info, group.leave and
// group.invite_link.revoke.
type groupPayload struct {
	GroupID string `json:"group_id"`
}

func groupInfo(ctx context.Context, s GroupInfoReader, _ Env, p groupPayload) (any, error) {
	g, err := s.GroupInfo(ctx, p.GroupID)
	if err != nil {
		return nil, fmt.Errorf("reading group: %w", err)
	}
	return g, nil
}
