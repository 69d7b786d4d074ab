package commands

import (
	"context"
	"fmt"
)

// Reconnecter drops and re-establishes the session's link to WhatsApp.
type Reconnecter interface {
	Reconnect(ctx context.Context) error
}

type appReconnectPayload struct{}

func appReconnect(ctx context.Context, s Reconnecter, _ Env, _ appReconnectPayload) (any, error) {
	if err := s.Reconnect(ctx); err != nil {
		return nil, fmt.Errorf("reconnecting: %w", err)
	}
	return nil, nil
}
