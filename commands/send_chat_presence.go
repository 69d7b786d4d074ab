package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// ChatPresenceSender shows typing or recording in a chat.
type ChatPresenceSender interface {
	SendChatPresence(ctx context.Context, req bridge.ChatPresenceRequest) (bridge.ChatPresenceResult, error)
}

type sendChatPresencePayload struct {
	Phone    string `json:"phone"`
	Presence string `json:"presence"`
	Media    string `json:"media"`
}

// chatPresenceData's chat is the result's subject, so a chat's audit
// trail shows the typing states sent there.
type chatPresenceData struct{ bridge.ChatPresenceResult }

func (d chatPresenceData) chat() string { return d.Chat }

func sendChatPresence(ctx context.Context, s ChatPresenceSender, _ Env, p sendChatPresencePayload) (any, error) {
	r, err := s.SendChatPresence(ctx, bridge.ChatPresenceRequest{Phone: p.Phone, Presence: p.Presence, Media: p.Media})
	if err != nil {
		return nil, fmt.Errorf("sending chat presence: %w", err)
	}
	return chatPresenceData{r}, nil
}
