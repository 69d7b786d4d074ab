package e2e_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The reference's curl bodies of send.location, send.contact and send.poll
// answer 200 and reach the contact as written (the outbox shows location
// fields, the vCard text, the poll's options); the contact votes on the
// poll and poll.vote carries the option names; latitude 91, one poll
// option and duplicate options are INVALID_PAYLOAD with nothing sent.
func TestLocationContactPollAndVote(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "polls")
	b.login(b.session)
	nc := b.nats()

	bad := []map[string]any{
		{"phone": "4917612345678", "latitude": 91, "longitude": 13.4},
		{"phone": "4917612345678", "question": "Q?", "options": []string{"Go"}},
		{"phone": "4917612345678", "question": "Q?", "options": []string{"Go", "Rust", "Go"}},
	}
	for i, body := range bad {
		path := "/send/poll"
		if i == 0 {
			path = "/send/location"
		}
		if status, env := b.do("POST", path, body, nil); status != http.StatusBadRequest || env.Code != "INVALID_PAYLOAD" {
			t.Fatalf("%s %v: %d %s, want 400 INVALID_PAYLOAD", path, body, status, env.Code)
		}
	}
	if n := len(b.outbox()); n != 0 {
		t.Fatalf("%d deliveries after bad input, want 0", n)
	}

	sends := []struct {
		path string
		body map[string]any
	}{
		{"/send/location", map[string]any{"phone": "4917612345678", "latitude": 52.520008, "longitude": 13.404954,
			"name": "Brandenburg Gate", "address": "Pariser Platz, 10117 Berlin", "url": "https://maps.google.com/?q=52.520008,13.404954"}},
		{"/send/contact", map[string]any{"phone": "4917612345678", "contact_name": "John Doe", "contact_phone": "4917698765432",
			"contact_email": "john@example.com", "contact_org": "Acme Corp"}},
		{"/send/poll", map[string]any{"phone": "4917612345678", "question": "What is your favorite programming language?",
			"options": []string{"Python", "JavaScript", "Go", "Java", "Other"}, "selectable_count": 1}},
	}
	var pollID string
	for _, s := range sends {
		status, env := b.do("POST", s.path, s.body, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s %s", s.path, status, env.Code, env.Message)
		}
		var d struct {
			MessageID string `json:"message_id"`
		}
		mustJSON(t, env.Data, &d)
		pollID = d.MessageID
	}

	out := richOutbox(t, b)
	if len(out) != 3 {
		t.Fatalf("%d deliveries, want 3", len(out))
	}
	if l := out[0].Location; out[0].Type != "location" || l == nil || l.Latitude != 52.520008 || l.Longitude != 13.404954 || l.Name != "Brandenburg Gate" || l.Address != "Pariser Platz, 10117 Berlin" {
		t.Errorf("location delivery %+v", out[0])
	}
	if out[1].Type != "contact" || !strings.Contains(out[1].VCard, "TEL;type=CELL;type=VOICE;waid=4917698765432:+4917698765432") ||
		!strings.Contains(out[1].VCard, "FN:John Doe") || !strings.Contains(out[1].VCard, "EMAIL;type=INTERNET:john@example.com") {
		t.Errorf("contact delivery %+v", out[1])
	}
	if p := out[2].Poll; out[2].Type != "poll" || p == nil || strings.Join(p.Options, ",") != "Python,JavaScript,Go,Java,Other" || p.SelectableCount != 1 {
		t.Errorf("poll delivery %+v", out[2])
	}

	vote := map[string]any{"from": "4917612345678", "type": "vote", "message_id": pollID, "options": []string{"Go"}}
	if status, env := b.do("POST", "/sandbox/inbound", vote, nil); status != http.StatusOK {
		t.Fatalf("vote: %d %s %s", status, env.Code, env.Message)
	}
	votes := streamEvents(t, nc, "wa.polls.evt.*.poll.vote", 1, 20*time.Second)
	if len(votes) != 1 {
		t.Fatalf("%d poll.vote events, want 1", len(votes))
	}
	var d struct {
		PollID  string   `json:"poll_id"`
		Options []string `json:"options"`
		Voter   struct {
			JID string `json:"jid"`
		} `json:"voter"`
	}
	if err := json.Unmarshal(votes[0].ce.Data(), &d); err != nil {
		t.Fatal(err)
	}
	if d.PollID != pollID || len(d.Options) != 1 || d.Options[0] != "Go" || d.Voter.JID != "4917612345678@s.whatsapp.net" {
		t.Fatalf("poll.vote %s, want Go on %s by 4917612345678", votes[0].ce.Data(), pollID)
	}
}

type richDelivery struct {
	Session  string `json:"session"`
	Type     string `json:"type"`
	Location *struct {
		Latitude, Longitude float64
		Name, Address, URL  string
	} `json:"location"`
	VCard string `json:"vcard"`
	Poll  *struct {
		Options         []string `json:"options"`
		SelectableCount int      `json:"selectable_count"`
	} `json:"poll"`
}

// richOutbox is the session's deliveries with their location, vCard and
// poll content.
func richOutbox(t *testing.T, b *bridgeProc) []richDelivery {
	t.Helper()
	status, env := b.do("GET", "/sandbox/outbox", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("outbox: %d %s", status, env.Code)
	}
	var all, mine []richDelivery
	mustJSON(t, env.Data, &all)
	for _, d := range all {
		if d.Session == b.session {
			mine = append(mine, d)
		}
	}
	return mine
}
