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
)

// A contact's presence reaches the session only while it is subscribed to
// the contact (under its phone number or its LID) on the current
// connection and available itself; a new subscriber gets the contact's
// current presence at once; a reconnect or going unavailable ends it.
func TestPresenceReachesAvailableSubscribersOnly(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	ctx := testCtx(t)
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	inbound := func(typ string, fields map[string]any) {
		t.Helper()
		if _, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: alice.User, Type: typ, Fields: fields}); err != nil {
			t.Fatalf("Inbound %s: %v", typ, err)
		}
	}
	seen := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	away := map[string]any{"presence": "unavailable", "last_seen": seen.Format(time.RFC3339)}
	online := map[string]any{"presence": "available"}
	// nextIs asserts the next event handed to the session; a typing
	// inbound, handled in order after everything queued before it, shows
	// that no presence came first.
	nextIs := func(want string) any {
		t.Helper()
		if want == "nothing" {
			inbound("typing", nil)
			want = "typing"
		}
		var evt any
		select {
		case evt = <-f.rec.ch:
		case <-ctx.Done():
			t.Fatalf("no event, want %s", want)
		}
		got := map[bool]string{true: "typing", false: "other"}[isType[*events.ChatPresence](evt)]
		if p, ok := evt.(*events.Presence); ok {
			got = "online"
			if p.Unavailable {
				got = "away"
			}
		}
		if got != want {
			t.Fatalf("event %T %+v, want %s", evt, evt, want)
		}
		return evt
	}
	subscribe := func(jid types.JID) {
		t.Helper()
		if err := f.cli.SubscribePresence(ctx, jid); err != nil {
			t.Fatal(err)
		}
	}
	setPresence := func(p types.Presence) {
		t.Helper()
		if err := f.cli.SendPresence(ctx, p); err != nil {
			t.Fatal(err)
		}
	}

	inbound("presence", away) // nobody subscribed: kept, not sent
	nextIs("nothing")
	subscribe(alice) // not available: nothing sent
	nextIs("nothing")
	setPresence(types.PresenceAvailable)
	subscribe(alice) // the current presence, at once
	if p := nextIs("away").(*events.Presence); p.From != alice || !p.LastSeen.Equal(seen) {
		t.Errorf("current presence %+v", p)
	}
	inbound("presence", online)
	nextIs("online")

	f.cli.Disconnect()
	if err := f.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	next[*events.Connected](t, f.rec)
	inbound("presence", away) // a new connection has no subscriptions
	nextIs("nothing")
	setPresence(types.PresenceAvailable)
	inbound("presence", online)
	nextIs("nothing")

	// The LID names the same contact.
	typing := nextIs("nothing").(*events.ChatPresence)
	subscribe(typing.SenderAlt)
	nextIs("online")
	inbound("presence", away)
	nextIs("away")
	setPresence(types.PresenceUnavailable)
	inbound("presence", online)
	nextIs("nothing")
}

func TestSubscribePresenceNeedsAConnection(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	if err := f.cli.SubscribePresence(context.Background(), alice); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Errorf("SubscribePresence before connecting: %v, want %v", err, whatsmeow.ErrNotConnected)
	}
}

func isType[T any](v any) bool {
	_, ok := v.(T)
	return ok
}
