package commands_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

var presenceTime = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

func (f *fakeSession) SendPresence(_ context.Context, presence string) (bridge.PresenceResult, error) {
	f.mu.Lock()
	f.presence = append(f.presence, "presence "+presence)
	f.mu.Unlock()
	return bridge.PresenceResult{Presence: presence, Timestamp: presenceTime}, f.record("SendPresence")
}

func (f *fakeSession) SendChatPresence(_ context.Context, req bridge.ChatPresenceRequest) (bridge.ChatPresenceResult, error) {
	f.mu.Lock()
	f.presence = append(f.presence, fmt.Sprintf("chat %s %s %q", req.Phone, req.Presence, req.Media))
	f.mu.Unlock()
	res := bridge.ChatPresenceResult{Chat: req.Phone + "@s.whatsapp.net", Presence: req.Presence, Media: "text", Timestamp: presenceTime}
	return res, f.record("SendChatPresence")
}

func (f *fakeSession) presenceCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.presence...)
}
