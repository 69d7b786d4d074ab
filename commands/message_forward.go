package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// Forwarder forwards a message of the raw message cache.
type Forwarder interface {
	ForwardMessage(ctx context.Context, req bridge.ForwardRequest) (bridge.SendResult, error)
}

type messageForwardPayload struct {
	MessageID string `json:"message_id"`
	Phone     string `json:"phone"`
}

// messageForward answers as every send does (sentData), under a WhatsApp
// id derived from the command's key: a retry forwards once.
func messageForward(ctx context.Context, s Forwarder, env Env, p messageForwardPayload) (any, error) {
	res, err := s.ForwardMessage(ctx, bridge.ForwardRequest{MessageID: p.MessageID, To: p.Phone, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("forwarding message: %w", err)
	}
	d := sent(res)
	d.ForwardedFrom = p.MessageID
	return d, nil
}
