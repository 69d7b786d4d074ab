package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ReadMarker marks received messages as read.
type ReadMarker interface {
	MarkRead(ctx context.Context, req bridge.MarkReadRequest) (bridge.ReadResult, error)
}

type messageReadPayload struct {
	MessageID string `json:"message_id"` // the REST path's :message_id
	Phone     string `json:"phone"`      // the chat of a bare id
}

// readData's chat is the result's subject: the store clears the chat's
// unread count from this result (WhatsApp echoes no receipt of our own).
type readData struct{ bridge.ReadResult }

func (d readData) chat() string { return d.Chat }

func messageRead(ctx context.Context, s ReadMarker, _ Env, p messageReadPayload) (any, error) {
	r, err := s.MarkRead(ctx, bridge.MarkReadRequest{MessageID: p.MessageID, Phone: p.Phone})
	if err != nil {
		return nil, fmt.Errorf("marking message read: %w", err)
	}
	return readData{r}, nil
}
