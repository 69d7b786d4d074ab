package commands

import (
	"context"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

type sendVideoPayload struct {
	Phone          string   `json:"phone"`
	Video          string   `json:"video"`
	Caption        string   `json:"caption"`
	ViewOnce       bool     `json:"view_once"`
	Compress       bool     `json:"compress"`
	ReplyMessageID string   `json:"reply_message_id"`
	Mentions       []string `json:"mentions"`
	IsForwarded    bool     `json:"is_forwarded"`
}

func sendVideo(ctx context.Context, s MediaSender, env Env, p sendVideoPayload) (any, error) {
	return sendMedia(ctx, s, bridge.SendMediaRequest{
		Kind: media.Video, To: p.Phone, Media: p.Video, Caption: p.Caption, ViewOnce: p.ViewOnce, Compress: p.Compress,
		ReplyTo: p.ReplyMessageID, Mentions: p.Mentions, Forwarded: p.IsForwarded, Key: env.Key,
	})
}
