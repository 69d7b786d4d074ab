package commands

import (
	"context"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

type sendAudioPayload struct {
	Phone          string `json:"phone"`
	Audio          string `json:"audio"`
	PTT            bool   `json:"ptt"`
	ReplyMessageID string `json:"reply_message_id"`
	IsForwarded    bool   `json:"is_forwarded"`
}

func sendAudio(ctx context.Context, s MediaSender, env Env, p sendAudioPayload) (any, error) {
	return sendMedia(ctx, s, bridge.SendMediaRequest{
		Kind: media.Audio, To: p.Phone, Media: p.Audio, PTT: p.PTT,
		ReplyTo: p.ReplyMessageID, Forwarded: p.IsForwarded, Key: env.Key,
	})
}
