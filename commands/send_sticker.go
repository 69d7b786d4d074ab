package commands

import (
	"context"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

type sendStickerPayload struct {
	Phone          string `json:"phone"`
	Sticker        string `json:"sticker"`
	ReplyMessageID string `json:"reply_message_id"`
	IsForwarded    bool   `json:"is_forwarded"`
}

func sendSticker(ctx context.Context, s MediaSender, env Env, p sendStickerPayload) (any, error) {
	return sendMedia(ctx, s, bridge.SendMediaRequest{
		Kind: media.Sticker, To: p.Phone, Media: p.Sticker,
		ReplyTo: p.ReplyMessageID, Forwarded: p.IsForwarded, Key: env.Key,
	})
}
