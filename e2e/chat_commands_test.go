package e2e_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// chatUpdated is the part of io.wabridge.chat.updated these tests read.
type chatUpdated struct {
	Chat struct {
		JID string `json:"jid"`
	} `json:"chat"`
	Archived   *bool   `json:"archived"`
	Pinned     *bool   `json:"pinned"`
	Muted      *bool   `json:"muted"`
	MutedUntil *string `json:"muted_until"`
	Origin     string  `json:"origin"`
}

// Archive, pin and mute go to WhatsApp as app-state patches; the change
// comes back as chat.updated (as one made on the phone would), and each
// command's result is audited under the chat. The forward of a received
// message reaches the contact with the forwarded mark, and the message can
// be marked read.
func TestChatStateRoundTrip(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "chats")
	b.login(b.session)
	nc := b.nats()
	const chat = "4917612345678@s.whatsapp.net"

	post := func(path string, body map[string]any) map[string]any {
		t.Helper()
		status, env := b.do("POST", path, body, nil)
		if status != http.StatusOK {
			t.Fatalf("POST %s: %d %s %s", path, status, env.Code, env.Message)
		}
		var data map[string]any
		mustJSON(t, env.Data, &data)
		return data
	}
	if d := post("/chat/pin", map[string]any{"chat_jid": chat, "is_pin": true}); d["pinned"] != true || d["chat_jid"] != chat {
		t.Errorf("pin answered %v", d)
	}
	if d := post("/chat/archive", map[string]any{"chat_jid": chat, "is_archive": true}); d["archived"] != true {
		t.Errorf("archive answered %v", d)
	}
	if d := post("/chat/mute", map[string]any{"chat_jid": chat, "is_mute": true, "duration": 3600}); d["muted"] != true || d["muted_until"] == nil {
		t.Errorf("mute answered %v", d)
	}

	// pin, archive (with its unpin), mute: four changes, in order.
	got := streamEvents(t, nc, "wa.chats.evt.4917612345678@s_whatsapp_net.chat.updated", 4, 20*time.Second)
	if len(got) != 4 {
		t.Fatalf("%d chat.updated events, want 4", len(got))
	}
	var ups []chatUpdated
	for _, m := range got {
		var u chatUpdated
		if err := json.Unmarshal(m.ce.Data(), &u); err != nil {
			t.Fatal(err)
		}
		if u.Chat.JID != chat || u.Origin != "app_state" {
			t.Errorf("chat.updated %s", m.ce.Data())
		}
		ups = append(ups, u)
	}
	if !isTrue(ups[0].Pinned) || !isTrue(ups[1].Archived) || ups[2].Pinned == nil || *ups[2].Pinned || !isTrue(ups[3].Muted) || ups[3].MutedUntil == nil {
		t.Errorf("changes out of order or wrong: %+v", ups)
	}
	for _, name := range []string{"chat.pin", "chat.archive", "chat.mute"} {
		if n := len(streamEvents(t, nc, "wa.chats.result."+name, 1, 10*time.Second)); n != 1 {
			t.Errorf("%s: %d audited results, want 1", name, n)
		}
	}

	// A received message, forwarded to another contact and marked read.
	status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "message": "pass it on"}, nil)
	if status != http.StatusOK {
		t.Fatalf("inbound: %d %s", status, env.Code)
	}
	var in struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &in)
	streamEvents(t, nc, "wa.chats.evt.*.message.received", 1, 20*time.Second) // in the raw cache by now
	fwd := post("/message/forward", map[string]any{"message_id": in.MessageID, "phone": "4917698765432"})
	status, env = b.do("GET", "/sandbox/outbox", nil, nil)
	var outbox []struct {
		MessageID       string `json:"message_id"`
		Message         string `json:"message"`
		Forwarded       bool   `json:"forwarded"`
		ForwardingScore int    `json:"forwarding_score"`
	}
	mustJSON(t, env.Data, &outbox)
	found := false
	for _, d := range outbox {
		if d.MessageID == fwd["message_id"] {
			found = d.Message == "pass it on" && d.Forwarded && d.ForwardingScore == 1
		}
	}
	if status != http.StatusOK || !found {
		t.Errorf("forward %v not in the outbox with the mark: %s", fwd, env.Data)
	}
	if st, env := b.do("POST", "/message/forward", map[string]any{"message_id": "false_" + chat + "_3EB0NOSUCH", "phone": "4917698765432"}, nil); st != http.StatusNotFound || env.Code != "MESSAGE_NOT_FOUND" {
		t.Errorf("forward of an unknown message: %d %s", st, env.Code)
	}
	if d := post("/message/"+url.PathEscape(in.MessageID)+"/read", map[string]any{}); d["chat"] != chat {
		t.Errorf("read answered %v", d)
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// GET /chats and GET /chat/<jid>/messages answer from the chat store, which
// reflects the chat state changed by commands.
func TestChatListReflectsChatState(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "chats2")
	b.login(b.session)
	const chat = "4917612345678@s.whatsapp.net"
	status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "message": "first"}, nil)
	if status != http.StatusOK {
		t.Fatalf("inbound: %d %s", status, env.Code)
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/chat/archive", map[string]any{"chat_jid": chat, "is_archive": true}},
		{"/chat/mute", map[string]any{"chat_jid": chat, "is_mute": true}},
	} {
		if st, env := b.do("POST", c.path, c.body, nil); st != http.StatusOK {
			t.Fatalf("POST %s: %d %s", c.path, st, env.Code)
		}
	}
	type chatRow struct {
		JID         string  `json:"jid"`
		LastMessage string  `json:"last_message"`
		UnreadCount int     `json:"unread_count"`
		Archived    bool    `json:"archived"`
		MutedUntil  *string `json:"muted_until"`
	}
	deadline := time.Now().Add(15 * time.Second)
	var rows []chatRow
	for time.Now().Before(deadline) {
		st, env := b.do("GET", "/chats?archived=true", nil, nil)
		if st != http.StatusOK {
			t.Fatalf("GET /chats: %d %s %s", st, env.Code, env.Message)
		}
		mustJSON(t, env.Data, &rows)
		if len(rows) == 1 && rows[0].MutedUntil != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(rows) != 1 || rows[0].JID != chat || !rows[0].Archived || rows[0].MutedUntil == nil || rows[0].LastMessage != "first" || rows[0].UnreadCount != 1 {
		t.Fatalf("GET /chats?archived=true = %+v", rows)
	}
	st, env := b.do("GET", "/chat/"+chat+"/messages?limit=10", nil, nil)
	var page struct {
		Messages []struct {
			Message string `json:"message"`
			From    string `json:"from"`
			Type    string `json:"type"`
		} `json:"messages"`
	}
	mustJSON(t, env.Data, &page)
	if st != http.StatusOK || len(page.Messages) != 1 || page.Messages[0].Message != "first" || page.Messages[0].Type != "text" {
		t.Errorf("GET /chat/%s/messages: %d %s", chat, st, env.Data)
	}
	if st, env := b.do("GET", "/chats?before=not-a-cursor", nil, nil); st != http.StatusBadRequest || env.Code != "INVALID_PAYLOAD" {
		t.Errorf("bad cursor: %d %s", st, env.Code)
	}
	if st, env := b.do("GET", "/chat/4917600000099@s.whatsapp.net/messages", nil, nil); st != http.StatusNotFound || env.Code != "NOT_FOUND" {
		t.Errorf("unknown chat: %d %s", st, env.Code)
	}
}
