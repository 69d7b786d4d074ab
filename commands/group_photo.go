package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupPhotoSetter sets groups' photos.
type GroupPhotoSetter interface {
	SetGroupPhoto(ctx context.Context, groupID, src string) (bridge.GroupChange, error)
}

type groupPhotoPayload struct {
	GroupID string `json:"group_id"`
	Image   string `json:"image"`
}

func groupPhoto(ctx context.Context, s GroupPhotoSetter, _ Env, p groupPhotoPayload) (any, error) {
	c, err := s.SetGroupPhoto(ctx, p.GroupID, p.Image)
	if err != nil {
		return nil, fmt.Errorf("setting group photo: %w", err)
	}
	return groupChanged{c}, nil
}
