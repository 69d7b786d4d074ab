package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// PresenceSender marks the account online or offline.
type PresenceSender interface {
	SendPresence(ctx context.Context, presence string) (bridge.PresenceResult, error)
}

type sendPresencePayload struct {
	Presence string `json:"presence"`
}

// sendPresence is an effect (CONTRACT §6: not a query): it changes what
// contacts see, even though WhatsApp keeps no history of it.
func sendPresence(ctx context.Context, s PresenceSender, _ Env, p sendPresencePayload) (any, error) {
	r, err := s.SendPresence(ctx, p.Presence)
	if err != nil {
		return nil, fmt.Errorf("sending presence: %w", err)
	}
	return r, nil
}
