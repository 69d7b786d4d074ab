package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupCreator creates groups.
type GroupCreator interface {
	CreateGroup(ctx context.Context, req bridge.CreateGroupRequest) (bridge.GroupCreated, error)
}

type groupCreatePayload struct {
	Name         string   `json:"name"`
	Participants []string `json:"participants"`
}

// groupCreated is the answer of group.create, audited under the new group.
type groupCreated struct{ bridge.GroupCreated }

func (d groupCreated) chat() string { return d.GroupID }

func groupCreate(ctx context.Context, s GroupCreator, env Env, p groupCreatePayload) (any, error) {
	g, err := s.CreateGroup(ctx, bridge.CreateGroupRequest{Name: p.Name, Participants: p.Participants, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("creating group: %w", err)
	}
	return groupCreated{g}, nil
}
