package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ParticipantUpdater adds, removes, promotes and demotes group members.
type ParticipantUpdater interface {
	UpdateParticipants(ctx context.Context, req bridge.ParticipantsRequest) (bridge.ParticipantsChange, error)
}

type participantsPayload struct {
	GroupID      string   `json:"group_id"`
	Participants []string `json:"participants"`
}

type participantsChanged struct{ bridge.ParticipantsChange }

func (d participantsChanged) chat() string { return d.GroupID }

// participants is the handler of group.participants.<action>.
func participants(action bridge.ParticipantAction) func(context.Context, ParticipantUpdater, Env, participantsPayload) (any, error) {
	return func(ctx context.Context, s ParticipantUpdater, env Env, p participantsPayload) (any, error) {
		c, err := s.UpdateParticipants(ctx, bridge.ParticipantsRequest{
			GroupID: p.GroupID, Participants: p.Participants, Action: action, Key: env.Key,
		})
		if err != nil {
			return nil, fmt.Errorf("changing participants (%s): %w", action, err)
		}
		return participantsChanged{c}, nil
	}
}
