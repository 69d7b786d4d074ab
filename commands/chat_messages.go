package commands

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/werr"
)

type chatMessagesPayload struct {
	JID    string  `json:"jid"` // the REST path's :jid
	Limit  flexInt `json:"limit"`
	Before string  `json:"before"`
	Since  string  `json:"since"` // RFC 3339
}

// chatMessages answers {messages, next_cursor}, newest first.
func chatMessages(ctx context.Context, r ChatReader, env Env, p chatMessagesPayload) (any, error) {
	q := chatview.MessageQuery{Limit: int(p.Limit), Before: p.Before}
	if p.Since != "" {
		since, err := time.Parse(time.RFC3339Nano, p.Since)
		if err != nil {
			return nil, werr.Invalid(werr.CodeInvalidPayload, "since must be an RFC 3339 time, e.g. 2024-01-15T10:30:00Z")
		}
		q.Since = &since
	}
	chat, err := bridge.ParseRecipient(p.JID)
	if err != nil {
		return nil, err
	}
	page, err := r.ChatReader().Messages(ctx, env.SessionName, chat.String(), q)
	if err != nil {
		return nil, readError(err, "reading messages")
	}
	if page.Messages == nil {
		page.Messages = []chatview.Message{}
	}
	return page, nil
}
