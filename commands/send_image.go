package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

// MediaSender sends images, videos, audio, documents and stickers; the
// five media commands share it.
type MediaSender interface {
	SendMedia(ctx context.Context, req bridge.SendMediaRequest) (bridge.MediaSendResult, error)
}

type sendImagePayload struct {
	Phone          string   `json:"phone"`
	Image          string   `json:"image"`
	Caption        string   `json:"caption"`
	ViewOnce       bool     `json:"view_once"`
	Compress       bool     `json:"compress"`
	ReplyMessageID string   `json:"reply_message_id"`
	Mentions       []string `json:"mentions"`
	IsForwarded    bool     `json:"is_forwarded"`
}

func sendImage(ctx context.Context, s MediaSender, env Env, p sendImagePayload) (any, error) {
	return sendMedia(ctx, s, bridge.SendMediaRequest{
		Kind: media.Image, To: p.Phone, Media: p.Image, Caption: p.Caption, ViewOnce: p.ViewOnce, Compress: p.Compress,
		ReplyTo: p.ReplyMessageID, Mentions: p.Mentions, Forwarded: p.IsForwarded, Key: env.Key,
	})
}

// mediaSentData is a media send's result: what every send answers, with
// the facts of the uploaded content (its sha256 is of the bytes the
// recipient downloads, after any conversion).
type mediaSentData struct {
	sentData // its message is the caption
	bridge.SentMedia
}

// sendMedia sends req and answers its result data.
func sendMedia(ctx context.Context, s MediaSender, req bridge.SendMediaRequest) (any, error) {
	res, err := s.SendMedia(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("sending %s: %w", req.Kind, err)
	}
	d := sent(res.SendResult)
	d.Type, d.Message, d.ReplyTo, d.Mentions = string(req.Kind), req.Caption, req.ReplyTo, req.Mentions
	return mediaSentData{sentData: d, SentMedia: res.Media}, nil
}
