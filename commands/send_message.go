package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/store"
)

// TextSender sends a text message.
type TextSender interface {
	SendText(ctx context.Context, req bridge.SendTextRequest) (bridge.SendResult, error)
}

type sendMessagePayload struct {
	Phone          string   `json:"phone"`
	Message        string   `json:"message"`
	ReplyMessageID string   `json:"reply_message_id"`
	Mentions       []string `json:"mentions"`
	// ViewOnce is accepted because the reference API documents it for
	// send/message, but WhatsApp has no view-once text: it is ignored, and
	// the result's notes say so.
	ViewOnce bool `json:"view_once"`
	// LinkPreview (default true) previews the link the text starts with.
	LinkPreview *bool `json:"link_preview"`
	// IsForwarded sets WhatsApp's forwarded mark on the message.
	IsForwarded bool `json:"is_forwarded"`
}

// sentData is the data of every send.* result (CONTRACT §5: at least
// message_id and timestamp).
type sentData struct {
	MessageID string `json:"message_id"` // user form true_<chat>_<wa_id>
	WAID      string `json:"wa_id"`
	Chat      string `json:"chat"`
	Timestamp string `json:"timestamp"` // RFC 3339
	// What was sent: the chat store sees a message sent through the bridge
	// only in this result (WhatsApp echoes none to the sending device), so
	// the result carries what the store shows. Type is the message's kind
	// as message.received names it ("text").
	Type     string   `json:"type,omitempty"`
	Message  string   `json:"message,omitempty"`
	ReplyTo  string   `json:"reply_message_id,omitempty"` // as the caller gave it
	Mentions []string `json:"mentions,omitempty"`
	// ForwardedFrom is the message a message.forward sent again, as the
	// caller named it; its content is that message's.
	ForwardedFrom string `json:"forwarded_from,omitempty"`
	// cache keeps the sent message for quoting, editing and revoking; it
	// is committed with the result (see pendingWrites).
	cache store.Write
}

func (d sentData) chat() string { return d.Chat }

func (d sentData) pending() []store.Write {
	if d.cache == nil {
		return nil
	}
	return []store.Write{d.cache}
}

func sendMessage(ctx context.Context, s TextSender, env Env, p sendMessagePayload) (any, error) {
	res, err := s.SendText(ctx, bridge.SendTextRequest{
		To:        p.Phone,
		Text:      p.Message,
		ReplyTo:   p.ReplyMessageID,
		Mentions:  p.Mentions,
		Forwarded: p.IsForwarded,
		Key:       env.Key,
		// Opt-out: a text starting with a link gets its preview.
		NoLinkPreview: p.LinkPreview != nil && !*p.LinkPreview,
	})
	if err != nil {
		return nil, fmt.Errorf("sending text message: %w", err)
	}
	d := sent(res)
	d.Type, d.Message, d.ReplyTo, d.Mentions = "text", p.Message, p.ReplyMessageID, p.Mentions
	out := previewSentData{sentData: d, PreviewOutcome: res.Preview}
	if p.ViewOnce {
		out.Notes = append(out.Notes, "view_once does not apply to text messages; sent as a normal message")
	}
	return out, nil
}

func sent(r bridge.SendResult) sentData {
	return sentData{
		MessageID: r.MessageID,
		WAID:      r.WAID,
		Chat:      r.Chat,
		Timestamp: r.Timestamp.UTC().Format(time.RFC3339),
		cache:     r.Cache,
	}
}
