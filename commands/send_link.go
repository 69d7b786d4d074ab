package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// LinkSender sends a link with its preview.
type LinkSender interface {
	SendLink(ctx context.Context, req bridge.SendLinkRequest) (bridge.SendResult, error)
}

type sendLinkPayload struct {
	Phone   string `json:"phone"`
	Link    string `json:"link"`
	Caption string `json:"caption"`
}

// previewSentData is a send's result with what became of its link
// preview (nil when none was tried) and notes on what was ignored.
type previewSentData struct {
	sentData
	*bridge.PreviewOutcome
	Notes []string `json:"notes,omitempty"`
}

func sendLink(ctx context.Context, s LinkSender, env Env, p sendLinkPayload) (any, error) {
	res, err := s.SendLink(ctx, bridge.SendLinkRequest{To: p.Phone, Link: p.Link, Caption: p.Caption, Key: env.Key})
	if err != nil {
		return nil, fmt.Errorf("sending link: %w", err)
	}
	d := sent(res)
	d.Type, d.Message = "text", p.Link
	if p.Caption != "" {
		d.Message = p.Caption + "\n" + p.Link
	}
	return previewSentData{sentData: d, PreviewOutcome: res.Preview}, nil
}
