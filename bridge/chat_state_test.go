package bridge_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func samePatch(t *testing.T, got, want appstate.PatchInfo) {
	t.Helper()
	if got.Type != want.Type || len(got.Mutations) != len(want.Mutations) {
		t.Fatalf("patch %s with %d mutations, want %s with %d", got.Type, len(got.Mutations), want.Type, len(want.Mutations))
	}
	for i, m := range got.Mutations {
		w := want.Mutations[i]
		if len(m.Index) != len(w.Index) || m.Version != w.Version || !proto.Equal(m.Value, w.Value) {
			t.Errorf("mutation %d = %v v%d %v, want %v v%d %v", i, m.Index, m.Version, m.Value, w.Index, w.Version, w.Value)
			continue
		}
		for j := range m.Index {
			if m.Index[j] != w.Index[j] {
				t.Errorf("mutation %d index %v, want %v", i, m.Index, w.Index)
			}
		}
	}
}

func TestChatStatePatches(t *testing.T) {
	e, c := chatEnv(t)
	s := e.session("default")
	ctx := context.Background()
	yes, no := true, false

	tests := []struct {
		name string
		do   func() (bridge.ChatChange, error)
		want appstate.PatchInfo
		ans  bridge.ChatChange
	}{
		{"archive also unpins", func() (bridge.ChatChange, error) { return s.ArchiveChat(ctx, "4917612345678", true) },
			appstate.BuildArchive(alicePN, true, time.Time{}, nil), bridge.ChatChange{Chat: alicePN.String(), Archived: &yes}},
		{"unarchive", func() (bridge.ChatChange, error) { return s.ArchiveChat(ctx, group.String(), false) },
			appstate.BuildArchive(group, false, time.Time{}, nil), bridge.ChatChange{Chat: group.String(), Archived: &no}},
		{"pin", func() (bridge.ChatChange, error) { return s.PinChat(ctx, group.String(), true) },
			appstate.BuildPin(group, true), bridge.ChatChange{Chat: group.String(), Pinned: &yes}},
		{"mute forever", func() (bridge.ChatChange, error) { return s.MuteChat(ctx, alicePN.String(), true, 0) },
			appstate.BuildMuteAbs(alicePN, true, proto.Int64(-1)), bridge.ChatChange{Chat: alicePN.String(), Muted: &yes}},
		{"unmute", func() (bridge.ChatChange, error) { return s.MuteChat(ctx, alicePN.String(), false, time.Hour) },
			appstate.BuildMuteAbs(alicePN, false, nil), bridge.ChatChange{Chat: alicePN.String(), Muted: &no}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.do()
			if err != nil {
				t.Fatal(err)
			}
			patches := c.sentPatches()
			if len(patches) != i+1 {
				t.Fatalf("%d patches sent, want %d", len(patches), i+1)
			}
			samePatch(t, patches[i], tc.want)
			if got.Chat != tc.ans.Chat || !sameBool(got.Archived, tc.ans.Archived) || !sameBool(got.Pinned, tc.ans.Pinned) ||
				!sameBool(got.Muted, tc.ans.Muted) || got.MutedUntil != nil {
				t.Errorf("answer %+v, want %+v", got, tc.ans)
			}
		})
	}
}

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestMuteChatForADuration(t *testing.T) {
	e, c := chatEnv(t)
	before := time.Now()
	got, err := e.session("default").MuteChat(context.Background(), group.String(), true, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got.MutedUntil == nil || got.MutedUntil.Before(before.Add(8*time.Hour).Truncate(time.Millisecond)) {
		t.Fatalf("muted until %v, want 8 h after %v", got.MutedUntil, before)
	}
	// The answer and the patch name the same instant.
	samePatch(t, c.sentPatches()[0], appstate.BuildMuteAbs(group, true, proto.Int64(got.MutedUntil.UnixMilli())))
}

func TestChatStateErrors(t *testing.T) {
	e, c := chatEnv(t)
	s := e.session("default")
	ctx := context.Background()

	_, err := s.PinChat(ctx, "not-a-chat", true)
	wantCode(t, err, werr.CodeInvalidRecipient)

	c.setErr(whatsmeow.ErrIQRateOverLimit)
	_, err = s.ArchiveChat(ctx, alicePN.String(), true)
	wantCode(t, err, werr.CodeRateLimited)
	c.setErr(nil)

	c.Disconnect()
	_, err = s.MuteChat(ctx, alicePN.String(), true, 0)
	wantCode(t, err, werr.CodeNotConnected)
	if n := len(c.sentPatches()); n != 0 {
		t.Errorf("%d patches sent, want none", n)
	}
}
