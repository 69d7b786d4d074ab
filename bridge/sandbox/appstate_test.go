package sandbox_test

import (
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// The account's chat settings change as on WhatsApp, and the change comes
// back as the event whatsmeow dispatches after sending a patch.
func TestSendAppStateAppliesAndEchoes(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	ctx := testCtx(t)
	chat := types.NewJID("4917612345678", types.DefaultUserServer)

	if err := f.cli.SendAppState(ctx, appstate.BuildPin(chat, true)); err != nil {
		t.Fatal(err)
	}
	if pin := next[*events.Pin](t, f.rec); pin.JID != chat || !pin.Action.GetPinned() || pin.Timestamp.IsZero() {
		t.Errorf("pin echo %+v", pin)
	}
	// Archiving unpins too: two mutations, two echoes, in order.
	if err := f.cli.SendAppState(ctx, appstate.BuildArchive(chat, true, time.Time{}, nil)); err != nil {
		t.Fatal(err)
	}
	if a := next[*events.Archive](t, f.rec); a.JID != chat || !a.Action.GetArchived() {
		t.Errorf("archive echo %+v", a)
	}
	if pin := next[*events.Pin](t, f.rec); pin.JID != chat || pin.Action.GetPinned() {
		t.Errorf("unpin echo %+v", pin)
	}
	end := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := f.cli.SendAppState(ctx, appstate.BuildMuteAbs(chat, true, proto.Int64(end.UnixMilli()))); err != nil {
		t.Fatal(err)
	}
	if m := next[*events.Mute](t, f.rec); m.JID != chat || !m.Action.GetMuted() || m.Action.GetMuteEndTimestamp() != end.UnixMilli() {
		t.Errorf("mute echo %+v", m)
	}
	got, err := f.dev.ChatSettings.GetChatSettings(ctx, chat)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Found || !got.Archived || got.Pinned || !got.MutedUntil.Equal(end.Truncate(time.Second)) { // the store keeps seconds
		t.Errorf("chat settings %+v, want archived, unpinned, muted until %v", got, end)
	}

	if err := f.cli.SendAppState(ctx, appstate.BuildMute(chat, true, 0)); err != nil {
		t.Fatal(err)
	}
	next[*events.Mute](t, f.rec)
	if got, _ := f.dev.ChatSettings.GetChatSettings(ctx, chat); !got.MutedUntil.Equal(store.MutedForever) {
		t.Errorf("muted until %v, want forever", got.MutedUntil)
	}
}

func TestSendAppStateRefuses(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	chat := types.NewJID("4917612345678", types.DefaultUserServer)
	if err := f.cli.SendAppState(ctx, appstate.BuildPin(chat, true)); !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Errorf("before login: %v, want ErrNotLoggedIn", err)
	}
	f.login(t, "4917600000001")
	// A patch the sandbox does not know changes nothing, not even its known part.
	mixed := appstate.BuildPin(chat, true)
	mixed.Mutations = append(mixed.Mutations, appstate.BuildStar(chat, chat, "3EB0", false, true).Mutations...)
	if err := f.cli.SendAppState(ctx, mixed); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("star: %v, want ErrUnsupported", err)
	}
	if got, _ := f.dev.ChatSettings.GetChatSettings(ctx, chat); got.Pinned {
		t.Error("a refused patch was applied in part")
	}
	f.cli.Disconnect()
	if err := f.cli.SendAppState(ctx, appstate.BuildPin(chat, true)); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Errorf("disconnected: %v, want ErrNotConnected", err)
	}
}

// A forwarded message reaches the virtual contact with WhatsApp's mark.
func TestForwardedMarkInOutbox(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	msg := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("fwd"),
		ContextInfo: &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(2)}}}
	if _, err := f.cli.SendMessage(testCtx(t), contact, msg, whatsmeow.SendRequestExtra{ID: "3EB0FWD"}); err != nil {
		t.Fatal(err)
	}
	out := f.net.Outbox()
	if len(out) != 1 || !out[0].Forwarded || out[0].ForwardingScore != 2 || out[0].Message != "fwd" {
		t.Errorf("outbox %+v", out)
	}
}
