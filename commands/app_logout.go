package commands

import (
	"context"
	"fmt"
)

type appLogoutPayload struct{}

func appLogout(ctx context.Context, env Env, _ appLogoutPayload) (any, error) {
	if err := env.Session.Logout(ctx); err != nil {
		return nil, fmt.Errorf("logging out: %w", err)
	}
	return nil, nil
}
