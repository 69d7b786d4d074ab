package sandbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// A virtual contact's typing, presence and call reach the session as
// whatsmeow's events for them, with the fields of send.chat_presence and
// send.presence.
func TestInboundSignals(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	group := types.NewJID("120363025246125486", types.GroupServer)
	ctx := testCtx(t)
	send := func(in sandbox.Inbound) {
		t.Helper()
		if id, err := f.net.Inbound(ctx, "default", in); err != nil || id != "" {
			t.Fatalf("Inbound %s: %q %v", in.Type, id, err)
		}
	}

	send(sandbox.Inbound{From: "4917612345678", Type: "typing"})
	typing := next[*events.ChatPresence](t, f.rec)
	if typing.Chat != alice || typing.Sender != alice || typing.State != types.ChatPresenceComposing || typing.Media != types.ChatPresenceMediaText || typing.SenderAlt.Server != types.HiddenUserServer {
		t.Errorf("typing %+v", typing)
	}
	send(sandbox.Inbound{From: "4917612345678", Chat: group.String(), Type: "typing", Fields: map[string]any{"presence": "composing", "media": "audio"}})
	if rec := next[*events.ChatPresence](t, f.rec); rec.Chat != group || !rec.IsGroup || rec.Media != types.ChatPresenceMediaAudio {
		t.Errorf("recording %+v", rec)
	}
	send(sandbox.Inbound{From: "4917612345678", Type: "typing", Fields: map[string]any{"presence": "paused"}})
	if p := next[*events.ChatPresence](t, f.rec); p.State != types.ChatPresencePaused {
		t.Errorf("paused %+v", p)
	}

	// WhatsApp sends a contact's presence to an available subscriber only.
	if err := f.cli.SendPresence(ctx, types.PresenceAvailable); err != nil {
		t.Fatal(err)
	}
	if err := f.cli.SubscribePresence(ctx, alice); err != nil {
		t.Fatal(err)
	}
	send(sandbox.Inbound{From: "4917612345678", Type: "presence", Fields: map[string]any{"presence": "unavailable", "last_seen": "2025-03-04T05:06:07Z"}})
	if p := next[*events.Presence](t, f.rec); p.From != alice || !p.Unavailable || !p.LastSeen.Equal(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)) {
		t.Errorf("presence %+v", p)
	}

	send(sandbox.Inbound{From: "4917612345678", Type: "call", Fields: map[string]any{"video": true, "call_id": "CALL01"}})
	call := next[*events.CallOffer](t, f.rec)
	if call.CallID != "CALL01" || call.CallCreator != alice || call.From != alice || call.Timestamp.IsZero() {
		t.Errorf("call %+v", call.BasicCallMeta)
	}
	if _, video := call.Data.GetOptionalChildByTag("video"); !video {
		t.Error("a video call's offer has no <video>")
	}
	send(sandbox.Inbound{From: "4917612345678", Chat: group.String(), Type: "call"})
	if voice := next[*events.CallOffer](t, f.rec); voice.GroupJID != group || voice.CallID == "" {
		t.Errorf("group call %+v", voice.BasicCallMeta)
	} else if _, video := voice.Data.GetOptionalChildByTag("video"); video {
		t.Error("a voice call's offer has <video>")
	}
}

func TestInboundSignalsRefuse(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	_, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: "4917612345678", Type: "typing"})
	if werr.From(err).Code != werr.CodeNotLoggedIn {
		t.Errorf("before login: %v, want %s", err, werr.CodeNotLoggedIn)
	}
	f.login(t, "4917600000001")
	for _, in := range []sandbox.Inbound{
		{From: "4917612345678", Type: "typing", Fields: map[string]any{"presence": "recording"}},
		{From: "4917612345678", Type: "typing", Fields: map[string]any{"media": "video"}},
		{From: "4917612345678", Type: "presence", Fields: map[string]any{"presence": "away"}},
		{From: "4917612345678", Type: "call", Fields: map[string]any{"video": "yes"}},
	} {
		if _, err := f.net.Inbound(ctx, "default", in); werr.From(err).Code != werr.CodeInvalidPayload {
			t.Errorf("%s %v: %v, want %s", in.Type, in.Fields, err, werr.CodeInvalidPayload)
		}
	}
	for _, in := range []sandbox.Inbound{
		{From: "9991234567", Type: "call"},
		{From: "4917612345678", Chat: "4917699999999", Type: "typing"},
	} {
		if _, err := f.net.Inbound(ctx, "default", in); werr.From(err).Code != werr.CodeInvalidRecipient {
			t.Errorf("%+v: %v, want %s", in, err, werr.CodeInvalidRecipient)
		}
	}
}

// The session's own presence, typing and call rejections are accepted
// while connected, refused as whatsmeow refuses them otherwise.
func TestSendPresenceChatPresenceRejectCall(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := context.Background()
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	if err := f.cli.SendChatPresence(ctx, alice, types.ChatPresenceComposing, ""); !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Errorf("chat presence before login: %v", err)
	}
	f.login(t, "4917600000001")
	if err := f.cli.SendPresence(ctx, types.PresenceAvailable); err != nil {
		t.Error(err)
	}
	if err := f.cli.SendChatPresence(ctx, alice, types.ChatPresenceComposing, types.ChatPresenceMediaAudio); err != nil {
		t.Error(err)
	}
	if err := f.cli.RejectCall(ctx, alice, "CALL01"); err != nil {
		t.Error(err)
	}
	f.cli.Disconnect()
	if err := f.cli.SendPresence(ctx, types.PresenceAvailable); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Errorf("presence while disconnected: %v", err)
	}
}
