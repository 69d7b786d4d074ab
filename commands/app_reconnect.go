package commands

import (
	"context"
	"fmt"
)

type appReconnectPayload struct{}

func appReconnect(ctx context.Context, env Env, _ appReconnectPayload) (any, error) {
	if err := env.Session.Reconnect(ctx); err != nil {
		return nil, fmt.Errorf("reconnecting: %w", err)
	}
	return nil, nil
}
