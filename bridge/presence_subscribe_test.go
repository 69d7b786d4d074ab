package bridge_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
)

// fromContact is a text of contact in its one-to-one chat (or in group).
func fromContact(contact types.JID, chat types.JID, id string) *waEvents.Message {
	return &waEvents.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: contact, IsGroup: chat.Server == types.GroupServer},
			ID:            types.MessageID(id), Timestamp: fixedTime,
		},
		Message: &waE2E.Message{Conversation: proto.String("hi")},
	}
}

// assertCalls waits for the fake's calls after its first from ones and
// asserts they are want; it answers how many calls there are then.
func assertCalls(t *testing.T, c *presenceFake, from int, want ...string) int {
	t.Helper()
	waitFor(t, "presence calls", func() bool { return len(c.presenceCalls()) >= from+len(want) })
	got := c.presenceCalls()[from:]
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("calls\n got %q\nwant %q", got, want)
	}
	return from + len(want)
}

// The session subscribes to the contacts of the one-to-one chats it writes
// to (sends, typing) and hears from, once per connection, only while it
// is available (WhatsApp sends presence to nobody else); it follows at
// most PresenceSubscriptions of them, the most recent ones, and after a
// reconnect says available again and renews exactly those.
func TestPresenceSubscriptions(t *testing.T) {
	env, c := presenceEnv(t, func(cfg *bridge.ManagerConfig) { cfg.PresenceSubscriptions = 2 })
	s := env.session("default")
	ctx := context.Background()
	a := types.NewJID("4917600000011", types.DefaultUserServer)
	b := types.NewJID("4917600000022", types.DefaultUserServer)
	lid := types.NewJID("100000000000033", types.HiddenUserServer)
	text := func(to types.JID, key string) {
		t.Helper()
		if _, err := s.SendText(ctx, bridge.SendTextRequest{To: to.String(), Text: "hello", Key: key}); err != nil {
			t.Fatal(err)
		}
	}
	presence := func(p string) {
		t.Helper()
		if _, err := s.SendPresence(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	inbound := func(evt *waEvents.Message) {
		t.Helper()
		if !c.push(evt) {
			t.Fatal("message not handled")
		}
	}

	// Unavailable: followed, not subscribed.
	if _, err := s.SendChatPresence(ctx, bridge.ChatPresenceRequest{Phone: a.User, Presence: "composing"}); err != nil {
		t.Fatal(err)
	}
	n := assertCalls(t, c, 0, `chat `+a.String()+` "composing" ""`)
	presence("available")
	n = assertCalls(t, c, n, `presence "available"`, "subscribe "+a.String())
	text(b, "k1")
	text(a, "k2") // subscribed already on this connection
	text(group, "k3")
	text(ownPN, "k4") // the account's own chat
	inbound(fromContact(alicePN, group, "G1"))
	n = assertCalls(t, c, n, "subscribe "+b.String())
	inbound(fromContact(lid, lid, "L1")) // b is now the least recent: dropped
	n = assertCalls(t, c, n, "subscribe "+lid.String())

	c.push(&waEvents.Connected{})
	n = assertCalls(t, c, n, `presence "available"`, "subscribe "+lid.String(), "subscribe "+a.String())

	presence("unavailable")
	text(b, "k5")
	c.push(&waEvents.Connected{}) // unavailable: nothing to renew
	presence("available")         // b, the most recent, then lid
	n = assertCalls(t, c, n, `presence "unavailable"`, `presence "available"`, "subscribe "+b.String(), "subscribe "+lid.String())

	// A subscription that failed is tried again at the contact's next touch.
	c.setErr(errors.New("connection lost"))
	text(a, "k6")
	c.setErr(nil)
	text(a, "k7")
	assertCalls(t, c, n, "subscribe "+a.String())
	if got := len(c.presenceCalls()); got != n+1 {
		t.Errorf("%d calls, want %d: %q", got, n+1, c.presenceCalls()[n:])
	}
}

// A negative PresenceSubscriptions subscribes to nobody.
func TestPresenceSubscriptionsOff(t *testing.T) {
	env, c := presenceEnv(t, func(cfg *bridge.ManagerConfig) { cfg.PresenceSubscriptions = -1 })
	s := env.session("default")
	ctx := context.Background()
	if _, err := s.SendPresence(ctx, "available"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendText(ctx, bridge.SendTextRequest{To: "4917600000011", Text: "hello", Key: "k1"}); err != nil {
		t.Fatal(err)
	}
	c.push(fromContact(alicePN, alicePN, "A1"))
	if got := c.presenceCalls(); !reflect.DeepEqual(got, []string{`presence "available"`}) {
		t.Errorf("calls %q", got)
	}
}
