package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// PrivacyReader reads the account's privacy settings.
type PrivacyReader interface {
	Privacy(ctx context.Context) (bridge.Privacy, error)
}

type userMyPrivacyPayload struct{}

func userMyPrivacy(ctx context.Context, s PrivacyReader, _ Env, _ userMyPrivacyPayload) (any, error) {
	p, err := s.Privacy(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading privacy settings: %w", err)
	}
	return p, nil
}
