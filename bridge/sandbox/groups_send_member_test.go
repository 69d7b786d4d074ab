package sandbox_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// A member who is no admin posts in a group that is not announce-only: a
// text and a poll reach the other members (a message without a protocol
// part was taken for a revoke of someone else's message and refused).
func TestGroupMemberPosts(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	for _, msg := range []*waE2E.Message{
		{Conversation: proto.String("hello from a member")},
		s.b.cli.BuildPollCreation("Lunch?", []string{"Pizza", "Pasta"}, 1),
	} {
		if _, err := s.b.cli.SendMessage(ctx, s.group, msg); err != nil {
			t.Fatalf("a member's post: %v", err)
		}
		if m := next[*events.Message](t, s.a.rec); m.Info.Chat != s.group || m.Info.Sender != s.b.jid {
			t.Errorf("admin got %+v", m.Info)
		}
	}
}
