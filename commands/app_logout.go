package commands

import (
	"context"
	"fmt"
)

// LogoutPort logs the session out of WhatsApp.
type LogoutPort interface {
	Logout(ctx context.Context) error
}

type appLogoutPayload struct{}

func appLogout(ctx context.Context, s LogoutPort, _ Env, _ appLogoutPayload) (any, error) {
	if err := s.Logout(ctx); err != nil {
		return nil, fmt.Errorf("logging out: %w", err)
	}
	return nil, nil
}
