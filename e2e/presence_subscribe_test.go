package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// A contact's presence reaches the session as presence.updated only once
// the session is available and subscribed to it, which sending the
// contact a message does; a reconnect renews both (the contact's current
// presence arrives again, and its next change too).
func TestPresenceFollowsContactsWrittenTo(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "presence-sub")
	b.login(b.session)
	nc := b.nats()
	const contact = "4917655500011" // this test's own: the network keeps a contact's presence
	chat := "wa.presence-sub.evt.4917655500011@s_whatsapp_net."
	post := func(path string, body map[string]any) {
		t.Helper()
		if status, env := b.do("POST", path, body, nil); status != http.StatusOK {
			t.Fatalf("%s %v: %d %s %s", path, body, status, env.Code, env.Message)
		}
	}
	type presence struct {
		Online   bool       `json:"online"`
		LastSeen *time.Time `json:"last_seen"`
	}
	updates := func(n int) []presence {
		t.Helper()
		got := streamEvents(t, nc, chat+"presence.updated", n, 20*time.Second)
		if len(got) != n {
			t.Fatalf("%d presence.updated, want %d", len(got), n)
		}
		out := make([]presence, n)
		for i, e := range got {
			if err := json.Unmarshal(e.ce.Data(), &out[i]); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	seen := "2025-03-04T05:06:07Z"

	post("/sandbox/inbound", map[string]any{"from": contact, "type": "presence", "presence": "unavailable", "last_seen": seen})
	post("/sandbox/inbound", map[string]any{"from": contact, "type": "typing"})
	// The session's events are published in order: the typing comes first,
	// nothing of the unsubscribed presence before it.
	if first := streamEvents(t, nc, chat+">", 1, 20*time.Second); len(first) != 1 || first[0].ce.Type() != "io.wabridge.chat.presence" {
		t.Fatalf("first event of the chat %v, want chat.presence", first)
	}

	post("/send/presence", map[string]any{"presence": "available"})
	post("/send/message", map[string]any{"phone": contact, "message": "Are you there?"})
	if p := updates(1)[0]; p.Online || p.LastSeen == nil || p.LastSeen.UTC().Format(time.RFC3339) != seen {
		t.Fatalf("presence on subscribing: %+v, want away since %s", p, seen)
	}
	post("/sandbox/inbound", map[string]any{"from": contact, "type": "presence", "presence": "available"})
	if p := updates(2)[1]; !p.Online {
		t.Fatalf("%+v, want online", p)
	}

	post("/app/reconnect", map[string]any{})
	b.waitLoggedIn(b.session)
	if p := updates(3)[2]; !p.Online { // renewed: the current presence again
		t.Fatalf("after reconnecting %+v, want online", p)
	}
	post("/sandbox/inbound", map[string]any{"from": contact, "type": "presence", "presence": "unavailable"})
	if p := updates(4)[3]; p.Online {
		t.Fatalf("%+v, want away", p)
	}
}
