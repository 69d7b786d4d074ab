package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// Not parallel: the sandbox clock is the whole network's, and this test
// moves it by 16 minutes (forward only, so later tests' windows still
// start at their own sends).
//
// The session's edit at minute 14 succeeds and at minute 16 is refused, and
// so is a contact's; a contact's reaction, edit and revoke arrive as events
// and show in GET /chat/<jid>/messages together with the session's own
// edit; an edit of someone else's message is FORBIDDEN and a reaction to an
// unknown message MESSAGE_NOT_FOUND, with nothing sent.
func TestMessageActionsBothWays(t *testing.T) {
	b := sharedBridge(t, "actions")
	b.login(b.session)
	nc := b.nats()
	const phone = "4917655500001"
	chat := phone + "@s.whatsapp.net"
	ok := func(what string, status int, env envelope) envelope {
		t.Helper()
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s %s", what, status, env.Code, env.Message)
		}
		return env
	}
	refused := func(what string, status int, env envelope, code string) {
		t.Helper()
		if status == http.StatusOK || env.Code != code {
			t.Errorf("%s: %d %s %s, want %s", what, status, env.Code, env.Message, code)
		}
	}
	idOf := func(env envelope) string {
		t.Helper()
		var d struct {
			MessageID string `json:"message_id"`
		}
		mustJSON(t, env.Data, &d)
		return d.MessageID
	}
	inbound := func(body map[string]any) (int, envelope) {
		body["from"] = phone
		return b.do("POST", "/sandbox/inbound", body, nil)
	}
	advance := func(d string) {
		t.Helper()
		st, env := b.do("POST", "/sandbox/clock", map[string]any{"advance": d}, nil)
		ok("POST /sandbox/clock "+d, st, env)
	}

	st, env := b.do("POST", "/send/message", map[string]any{"phone": phone, "message": "mine"}, nil)
	ours := idOf(ok("send", st, env))
	st, env = inbound(map[string]any{"message": "hello"})
	hello := idOf(ok("inbound hello", st, env))
	st, env = inbound(map[string]any{"message": "bye"})
	bye := idOf(ok("inbound bye", st, env))

	advance("14m")
	st, env = b.do("POST", "/message/"+ours+"/update", map[string]any{"message": "mine, edited"}, nil)
	ok("session's edit at minute 14", st, env)
	st, env = inbound(map[string]any{"type": "edit", "message_id": hello, "message": "hello, edited"})
	ok("contact's edit at minute 14", st, env)
	advance("2m")
	st, env = b.do("POST", "/message/"+ours+"/update", map[string]any{"message": "too late"}, nil)
	refused("session's edit at minute 16", st, env, "EDIT_WINDOW_CLOSED")
	st, env = inbound(map[string]any{"type": "edit", "message_id": hello, "message": "too late"})
	refused("contact's edit at minute 16", st, env, "EDIT_WINDOW_CLOSED")

	st, env = inbound(map[string]any{"type": "reaction", "message_id": ours, "emoji": "👍"})
	ok("contact's reaction", st, env)
	st, env = inbound(map[string]any{"type": "revoke", "message_id": bye})
	ok("contact's revoke", st, env)

	sent := len(b.outbox())
	st, env = b.do("POST", "/message/"+hello+"/update", map[string]any{"message": "not mine"}, nil)
	refused("edit of the contact's message", st, env, "FORBIDDEN")
	st, env = b.do("POST", "/message/false_"+chat+"_3EB0NOSUCHMSG/reaction", map[string]any{"emoji": "👍"}, nil)
	refused("reaction to an unknown message", st, env, "MESSAGE_NOT_FOUND")
	st, env = inbound(map[string]any{"type": "revoke", "message_id": ours})
	refused("contact's revoke of the session's message", st, env, "FORBIDDEN")
	if n := len(b.outbox()); n != sent {
		t.Errorf("outbox grew from %d to %d on refused actions", sent, n)
	}

	var reaction struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
		Removed   bool   `json:"removed"`
		Reactor   struct {
			PN string `json:"pn"`
		} `json:"reactor"`
	}
	var edited struct {
		MessageID string `json:"message_id"`
		Text      string `json:"text"`
	}
	var revoked struct {
		MessageID string `json:"message_id"`
		RevokedBy struct {
			PN string `json:"pn"`
		} `json:"revoked_by"`
	}
	for _, w := range []struct {
		event string
		into  any
	}{{"message.reaction", &reaction}, {"message.edited", &edited}, {"message.revoked", &revoked}} {
		got := streamEvents(t, nc, "wa.actions.evt.*."+w.event, 1, 20*time.Second)
		if len(got) != 1 {
			t.Fatalf("%s events: %d, want 1", w.event, len(got))
		}
		if err := json.Unmarshal(got[0].ce.Data(), w.into); err != nil {
			t.Fatal(err)
		}
	}
	if reaction.MessageID != ours || reaction.Emoji != "👍" || reaction.Removed || reaction.Reactor.PN != chat {
		t.Errorf("message.reaction %+v, want %s's 👍 on %s", reaction, chat, ours)
	}
	if edited.MessageID != hello || edited.Text != "hello, edited" {
		t.Errorf("message.edited %+v, want %s's new text", edited, hello)
	}
	if revoked.MessageID != bye || revoked.RevokedBy.PN != chat {
		t.Errorf("message.revoked %+v, want %s by %s", revoked, bye, chat)
	}

	type row struct {
		ID        string `json:"id"`
		Message   string `json:"message"`
		Edited    bool   `json:"edited"`
		Revoked   bool   `json:"revoked"`
		Reactions []struct {
			From  string `json:"from"`
			Emoji string `json:"emoji"`
		} `json:"reactions"`
	}
	projected := func(ms map[string]row) bool {
		o, h, y := ms[ours], ms[hello], ms[bye]
		return o.Edited && o.Message == "mine, edited" && len(o.Reactions) == 1 && o.Reactions[0].Emoji == "👍" && o.Reactions[0].From == chat &&
			h.Edited && h.Message == "hello, edited" && y.Revoked && y.Message == ""
	}
	ms := map[string]row{}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !projected(ms); time.Sleep(100 * time.Millisecond) {
		st, env := b.do("GET", "/chat/"+chat+"/messages", nil, nil)
		if st != http.StatusOK {
			continue // the chat is not projected yet
		}
		var page struct {
			Messages []row `json:"messages"`
		}
		mustJSON(t, env.Data, &page)
		clear(ms)
		for _, m := range page.Messages {
			ms[m.ID] = m
		}
	}
	if !projected(ms) {
		t.Fatalf("GET /chat/%s/messages = %+v, want our edit and the contact's reaction, edit and revoke", chat, ms)
	}
}
