package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// BusinessProfiler asks WhatsApp for a business profile.
type BusinessProfiler interface {
	BusinessProfile(ctx context.Context, phone string) (bridge.BusinessProfile, error)
}

type userBusinessProfilePayload struct {
	Phone string `json:"phone"`
	JID   string `json:"jid"`
}

func userBusinessProfile(ctx context.Context, s BusinessProfiler, _ Env, p userBusinessProfilePayload) (any, error) {
	who, err := oneUser(p.Phone, p.JID)
	if err != nil {
		return nil, err
	}
	b, err := s.BusinessProfile(ctx, who)
	if err != nil {
		return nil, fmt.Errorf("asking for a business profile: %w", err)
	}
	return b, nil
}
