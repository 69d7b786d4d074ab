package bridge_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// The two presence commands reach whatsmeow with its own values: text
// media is whatsmeow's "", audio "audio".
func TestSendPresenceAndChatPresence(t *testing.T) {
	env, c := presenceEnv(t, nil)
	s := env.session("default")
	ctx := context.Background()
	if r, err := s.SendPresence(ctx, "available"); err != nil || r.Presence != "available" || r.Timestamp.IsZero() {
		t.Fatalf("SendPresence: %+v %v", r, err)
	}
	if _, err := s.SendPresence(ctx, "unavailable"); err != nil {
		t.Fatal(err)
	}
	r, err := s.SendChatPresence(ctx, bridge.ChatPresenceRequest{Phone: "4917612345678", Presence: "composing", Media: "text"})
	if err != nil || r.Chat != "4917612345678@s.whatsapp.net" || r.Presence != "composing" || r.Media != "text" {
		t.Fatalf("SendChatPresence: %+v %v", r, err)
	}
	for _, req := range []bridge.ChatPresenceRequest{
		{Phone: "120363028461234567@g.us", Presence: "composing", Media: "audio"},
		{Phone: "4917612345678", Presence: "paused"},
	} {
		if _, err := s.SendChatPresence(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		`presence "available"`, `presence "unavailable"`,
		`chat 4917612345678@s.whatsapp.net "composing" ""`,
		`chat 120363028461234567@g.us "composing" "audio"`,
		`chat 4917612345678@s.whatsapp.net "paused" ""`,
	}
	if got := c.presenceCalls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls\n got %q\nwant %q", got, want)
	}
}

func TestPresenceCommandsRefuse(t *testing.T) {
	env, c := presenceEnv(t, nil)
	s := env.session("default")
	ctx := context.Background()
	_, err := s.SendPresence(ctx, "online")
	wantCode(t, err, werr.CodeInvalidPayload)
	for _, tc := range []struct {
		req  bridge.ChatPresenceRequest
		code string
	}{
		{bridge.ChatPresenceRequest{Phone: "4917612345678", Presence: "recording"}, werr.CodeInvalidPayload},
		{bridge.ChatPresenceRequest{Phone: "4917612345678", Presence: "composing", Media: "video"}, werr.CodeInvalidPayload},
		{bridge.ChatPresenceRequest{Phone: "+49", Presence: "composing"}, werr.CodeInvalidRecipient},
	} {
		_, err := s.SendChatPresence(ctx, tc.req)
		wantCode(t, err, tc.code)
	}
	if got := c.presenceCalls(); len(got) != 0 {
		t.Errorf("sent %q, want nothing", got)
	}
	c.setErr(whatsmeow.ErrNotLoggedIn)
	_, err = s.SendPresence(ctx, "available")
	wantCode(t, err, werr.CodeNotLoggedIn)
	c.setErr(errors.ErrUnsupported)
	_, err = s.SendChatPresence(ctx, bridge.ChatPresenceRequest{Phone: "4917612345678", Presence: "paused"})
	wantCode(t, err, werr.CodeNotSupported)
	c.setErr(nil)
	c.Disconnect()
	_, err = s.SendPresence(ctx, "available")
	wantCode(t, err, werr.CodeNotConnected)
}
