package commands

import (
	"context"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

type sendDocumentPayload struct {
	Phone          string   `json:"phone"`
	Document       string   `json:"document"`
	Filename       string   `json:"filename"`
	Mimetype       string   `json:"mimetype"`
	Caption        string   `json:"caption"`
	ReplyMessageID string   `json:"reply_message_id"`
	Mentions       []string `json:"mentions"`
	IsForwarded    bool     `json:"is_forwarded"`
}

func sendDocument(ctx context.Context, s MediaSender, env Env, p sendDocumentPayload) (any, error) {
	return sendMedia(ctx, s, bridge.SendMediaRequest{
		Kind: media.Document, To: p.Phone, Media: p.Document, Filename: p.Filename, Mimetype: p.Mimetype, Caption: p.Caption,
		ReplyTo: p.ReplyMessageID, Mentions: p.Mentions, Forwarded: p.IsForwarded, Key: env.Key,
	})
}
