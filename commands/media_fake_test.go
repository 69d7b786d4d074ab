package commands_test

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

// SendMedia answers as SendText does, with media facts of the request's
// kind.
func (f *fakeSession) SendMedia(_ context.Context, req bridge.SendMediaRequest) (bridge.MediaSendResult, error) {
	if err := f.record("SendMedia"); err != nil {
		return bridge.MediaSendResult{}, err
	}
	f.mu.Lock()
	f.media = append(f.media, req)
	f.mu.Unlock()
	chat := req.To + "@s.whatsapp.net"
	return bridge.MediaSendResult{
		SendResult: bridge.SendResult{
			MessageID: "true_" + chat + "_3EB0MEDIA", WAID: "3EB0MEDIA", Chat: chat,
			Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		},
		Media: bridge.SentMedia{Mimetype: "image/jpeg", Size: 1234, SHA256: "ab12", Width: 640, Height: 480, ViewOnce: req.ViewOnce},
	}, nil
}
