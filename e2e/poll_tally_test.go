package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// A poll sent over REST and voted on by a virtual contact shows its tally
// in GET /chat/<jid>/messages: the contact's second vote replaces its
// first, as WhatsApp counts.
func TestPollTallyInChatMessages(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "poll-tally")
	b.login(b.session)
	const contact = "4917655500022"
	chat := contact + "@s.whatsapp.net"
	status, env := b.do("POST", "/send/poll", map[string]any{"phone": contact, "question": "Which one?",
		"options": []string{"Go", "Rust", "Zig"}, "selectable_count": 0}, nil)
	if status != http.StatusOK {
		t.Fatalf("send.poll: %d %s %s", status, env.Code, env.Message)
	}
	var sent struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &sent)
	for _, options := range [][]string{{"Go"}, {"Rust", "Zig"}} {
		vote := map[string]any{"from": contact, "type": "vote", "message_id": sent.MessageID, "options": options}
		if status, env := b.do("POST", "/sandbox/inbound", vote, nil); status != http.StatusOK {
			t.Fatalf("vote %v: %d %s %s", options, status, env.Code, env.Message)
		}
	}
	want := `{"question":"Which one?","selectable_count":0,"options":[{"name":"Go","votes":0,"voters":[]},` +
		`{"name":"Rust","votes":1,"voters":["` + chat + `"]},{"name":"Zig","votes":1,"voters":["` + chat + `"]}]}`
	var got string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && got != want; time.Sleep(100 * time.Millisecond) {
		st, env := b.do("GET", "/chat/"+chat+"/messages", nil, nil)
		if st != http.StatusOK {
			continue // the chat is not projected yet
		}
		var page struct {
			Messages []struct {
				ID   string          `json:"id"`
				Poll json.RawMessage `json:"poll"`
			} `json:"messages"`
		}
		mustJSON(t, env.Data, &page)
		for _, m := range page.Messages {
			if m.ID == sent.MessageID {
				got = string(m.Poll)
			}
		}
	}
	if got != want {
		t.Fatalf("poll in GET /chat/%s/messages\n got %s\nwant %s", chat, got, want)
	}
}
