package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// PollSender sends a poll.
type PollSender interface {
	SendPoll(ctx context.Context, req bridge.SendPollRequest) (bridge.SendResult, error)
}

type sendPollPayload struct {
	Phone    string   `json:"phone"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
	// SelectableCount is how many options a voter may choose; 0 is any.
	SelectableCount int `json:"selectable_count"`
}

func sendPoll(ctx context.Context, s PollSender, env Env, p sendPollPayload) (any, error) {
	res, err := s.SendPoll(ctx, bridge.SendPollRequest{
		To: p.Phone, Question: p.Question, Options: p.Options, Selectable: p.SelectableCount, Key: env.Key,
	})
	if err != nil {
		return nil, fmt.Errorf("sending poll: %w", err)
	}
	d := sent(res)
	d.Type, d.Message = "poll", p.Question
	return d, nil
}
