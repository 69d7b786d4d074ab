package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// Reactor reacts to a message of the raw message cache.
type Reactor interface {
	React(ctx context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error)
}

type messageReactionPayload struct {
	MessageID string `json:"message_id"` // the REST path's :message_id
	Phone     string `json:"phone"`      // the chat of a bare id
	Emoji     string `json:"emoji"`      // "" removes the reaction
}

// actionData's chat is the result's subject, the chat of the target.
type actionData struct{ bridge.ActionResult }

func (d actionData) chat() string { return d.Chat }

// reactionData says what the reaction was, so the result alone tells it.
type reactionData struct {
	actionData
	Emoji   string `json:"emoji"`
	Removed bool   `json:"removed"`
}

func messageReaction(ctx context.Context, s Reactor, env Env, p messageReactionPayload) (any, error) {
	r, err := s.React(ctx, bridge.MessageActionRequest{MessageID: p.MessageID, Phone: p.Phone, Emoji: p.Emoji, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("reacting to message: %w", err)
	}
	return reactionData{actionData: actionData{r}, Emoji: p.Emoji, Removed: p.Emoji == ""}, nil
}
