package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// The reference's two presence examples answer 200; a sent message gets
// delivered and read receipts from the virtual contact; the contact's
// typing arrives as chat.presence and its call as call.offer (every event
// checked against its schema by streamEvents).
func TestPresenceReceiptsAndCalls(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "presence")
	b.login(b.session)
	nc := b.nats()

	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/send/presence", map[string]any{"presence": "available"}},
		{"/send/chat-presence", map[string]any{"phone": "4917612345678", "presence": "composing", "media": "text"}},
		{"/send/chat-presence", map[string]any{"phone": "4917612345678", "presence": "paused", "media": "text"}},
	} {
		if status, env := b.do("POST", c.path, c.body, nil); status != http.StatusOK {
			t.Fatalf("%s %v: %d %s %s", c.path, c.body, status, env.Code, env.Message)
		}
	}
	if status, env := b.do("POST", "/send/presence", map[string]any{"presence": "online"}, nil); status != http.StatusBadRequest || env.Code != "INVALID_PAYLOAD" {
		t.Errorf("presence online: %d %s", status, env.Code)
	}

	status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "Are you there?"}, nil)
	if status != http.StatusOK {
		t.Fatalf("send: %d %s %s", status, env.Code, env.Message)
	}
	var sent struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(env.Data, &sent); err != nil {
		t.Fatal(err)
	}
	receipts := streamEvents(t, nc, "wa.presence.evt.4917612345678@s_whatsapp_net.message.receipt", 2, 20*time.Second)
	var kinds []string
	for _, r := range receipts {
		var d struct{ ID, Receipt string }
		if err := json.Unmarshal(r.ce.Data(), &d); err != nil {
			t.Fatal(err)
		}
		if d.ID != sent.MessageID {
			t.Errorf("receipt for %s, want %s", d.ID, sent.MessageID)
		}
		kinds = append(kinds, d.Receipt)
	}
	if len(kinds) != 2 || kinds[0] != "delivered" || kinds[1] != "read" {
		t.Fatalf("receipts %v, want delivered then read", kinds)
	}

	for _, in := range []map[string]any{
		{"from": "4917612345678", "type": "typing", "presence": "composing", "media": "audio"},
		{"from": "4917612345678", "type": "call", "video": true, "call_id": "E2ECALL1"},
	} {
		if status, env := b.do("POST", "/sandbox/inbound", in, nil); status != http.StatusOK {
			t.Fatalf("inbound %v: %d %s %s", in["type"], status, env.Code, env.Message)
		}
	}
	typing := streamEvents(t, nc, "wa.presence.evt.*.chat.presence", 1, 20*time.Second)
	if len(typing) != 1 || typing[0].ce.Subject() != "4917612345678@s.whatsapp.net" {
		t.Fatalf("chat.presence: %v", typing)
	}
	var tp struct{ State string }
	_ = json.Unmarshal(typing[0].ce.Data(), &tp)
	if tp.State != "recording" {
		t.Errorf("state %q, want recording", tp.State)
	}
	calls := streamEvents(t, nc, "wa.presence.evt.*.call.offer", 1, 20*time.Second)
	if len(calls) != 1 {
		t.Fatalf("call.offer: %d", len(calls))
	}
	var call struct {
		CallID string              `json:"call_id"`
		Media  string              `json:"media"`
		Caller struct{ PN string } `json:"caller"`
	}
	_ = json.Unmarshal(calls[0].ce.Data(), &call)
	if call.CallID != "E2ECALL1" || call.Media != "video" || call.Caller.PN != "4917612345678@s.whatsapp.net" {
		t.Errorf("call.offer %s", calls[0].ce.Data())
	}
}
