package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupDescriber sets groups' descriptions.
type GroupDescriber interface {
	SetGroupTopic(ctx context.Context, groupID, topic, key string) (bridge.GroupChange, error)
}

type groupDescriptionPayload struct {
	GroupID     string `json:"group_id"`
	Description string `json:"description"`
}

func groupDescription(ctx context.Context, s GroupDescriber, env Env, p groupDescriptionPayload) (any, error) {
	c, err := s.SetGroupTopic(ctx, p.GroupID, p.Description, env.Key)
	if err != nil {
		return nil, fmt.Errorf("setting group description: %w", err)
	}
	return groupChanged{c}, nil
}
