package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
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
	return pollSentData{sentData: d, Poll: events.Poll{Question: p.Question, Options: p.Options, SelectableCount: p.SelectableCount}}, nil
}

// pollSentData is send.poll's result: the message, and the poll as
// message.received shows one. WhatsApp does not echo a sent poll, so this
// is where the chat store learns the options that votes name.
type pollSentData struct {
	sentData
	Poll events.Poll `json:"poll"`
}
