package commands_test

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

// SendLink answers as SendText does, with a preview when the link's path
// is not /down.
func (f *fakeSession) SendLink(_ context.Context, req bridge.SendLinkRequest) (bridge.SendResult, error) {
	if err := f.record("SendLink"); err != nil {
		return bridge.SendResult{}, err
	}
	f.mu.Lock()
	f.links = append(f.links, req)
	f.mu.Unlock()
	chat := req.To + "@s.whatsapp.net"
	preview := &bridge.PreviewOutcome{Shown: true, Title: "T", Description: "D", Thumbnail: true}
	if req.Link == "https://example.com/down" {
		preview = &bridge.PreviewOutcome{Reason: "fetching https://example.com/down failed"}
	}
	return bridge.SendResult{
		MessageID: "true_" + chat + "_3EB0LINK", WAID: "3EB0LINK", Chat: chat,
		Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Preview: preview,
	}, nil
}
