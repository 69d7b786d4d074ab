package sandbox_test

import (
	"testing"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// A push spreads its messages over the chats asked for: the default five
// (four direct chats and a group), a few, or one direct chat holding all.
func TestPushHistoryChats(t *testing.T) {
	cases := []struct {
		name          string
		count, chats  int
		direct, group int
	}{
		{"default", 450, 0, 4, 1},
		{"three", 30, 3, 2, 1},
		{"one", 450, 1, 1, 0},
		{"more chats than messages", 4, 10, 4, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{})
			f.login(t, "4917600000001")
			if err := f.net.PushHistory(testCtx(t), "default", tc.count, tc.chats); err != nil {
				t.Fatalf("PushHistory: %v", err)
			}
			perChat := map[string]int{}
			total := 0
			for _, evt := range f.rec.seen() {
				hs, ok := evt.(*events.HistorySync)
				if !ok {
					continue
				}
				for _, conv := range hs.Data.GetConversations() {
					perChat[conv.GetID()] += len(conv.GetMessages())
					total += len(conv.GetMessages())
				}
			}
			direct, group := 0, 0
			for id := range perChat {
				jid, err := types.ParseJID(id)
				if err != nil {
					t.Fatalf("conversation id %q: %v", id, err)
				}
				if jid.Server == types.GroupServer {
					group++
				} else {
					direct++
				}
			}
			if total != tc.count || direct != tc.direct || group != tc.group {
				t.Errorf("%d messages in %d direct chats and %d groups, want %d in %d and %d",
					total, direct, group, tc.count, tc.direct, tc.group)
			}
		})
	}
}

func TestPushHistoryRefusesBadChats(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	for _, chats := range []int{-1, sandbox.MaxHistoryChats + 1} {
		err := f.net.PushHistory(testCtx(t), "default", 10, chats)
		if werr.From(err).Code != werr.CodeInvalidPayload {
			t.Errorf("chats %d: %v, want INVALID_PAYLOAD", chats, err)
		}
	}
}
