package chatstore_test

import (
	"testing"

	"github.com/wabridge/wabridge/events"
)

// A message deleted for everyone loses its reactions with its content, as
// WhatsApp shows it; other messages keep theirs.
func TestRevokedMessageDropsItsReactions(t *testing.T) {
	v := newEnv(t)
	a1, a2 := userID(false, alice, "A1"), userID(false, alice, "A2")
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 1, "first"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A2", 2, "second"))
	v.publish(t, reactionBy(alice, alice, "R1", a1, "👍", 3))
	v.publish(t, reactionBy(alice, bob, "R2", a1, "😂", 4))
	v.publish(t, reactionBy(alice, alice, "R3", a2, "❤️", 5))
	v.publish(t, revokeBy(alice, alice, "V1", a1, 6))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "revoke")
	ms := messagesOf(t, s, alice)
	if m := ms[a1]; !m.Revoked || len(m.Reactions) != 0 {
		t.Fatalf("revoked message %+v keeps reactions", m)
	}
	if m := ms[a2]; len(m.Reactions) != 1 {
		t.Fatalf("other message %+v lost its reaction", m)
	}
}
