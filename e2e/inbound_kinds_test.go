package e2e_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A virtual contact's location, contact card and poll reach the stream as
// message.received with their kind's fields (streamEvents validates each
// against its schema); a location with latitude 91 is refused.
func TestInboundKindsBecomeMessageReceived(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "kinds")
	b.login(b.session)
	nc := b.nats()

	sends := []map[string]any{
		{"from": "4917612345678", "type": "location", "latitude": 52.520008, "longitude": 13.404954,
			"name": "Brandenburg Gate", "address": "Pariser Platz, 10117 Berlin", "url": "https://maps.google.com/?q=52.520008,13.404954"},
		{"from": "4917612345678", "type": "contact", "contact_name": "John Doe", "contact_phone": "4917698765432",
			"contact_email": "john@example.com", "contact_org": "Acme Corp"},
		{"from": "4917612345678", "type": "poll", "question": "What is your favorite programming language?",
			"options": []string{"Python", "JavaScript", "Go"}, "selectable_count": 1},
	}
	for _, body := range sends {
		if status, env := b.do("POST", "/sandbox/inbound", body, nil); status != http.StatusOK {
			t.Fatalf("inbound %v: %d %s %s", body["type"], status, env.Code, env.Message)
		}
	}
	if status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "type": "location", "latitude": 91, "longitude": 0}, nil); status != http.StatusBadRequest || env.Code != "INVALID_PAYLOAD" {
		t.Fatalf("latitude 91: %d %s", status, env.Code)
	}

	msgs := streamEvents(t, nc, "wa.kinds.evt.*.message.received", len(sends), 20*time.Second)
	if len(msgs) != len(sends) {
		t.Fatalf("message.received events: %d, want %d", len(msgs), len(sends))
	}
	var got [3]struct {
		Type     string `json:"type"`
		Location *struct {
			Latitude, Longitude float64
			Name, Address, URL  string
		} `json:"location"`
		Contacts []struct {
			DisplayName string `json:"display_name"`
			VCard       string `json:"vcard"`
		} `json:"contacts"`
		Poll *struct {
			Question        string   `json:"question"`
			Options         []string `json:"options"`
			SelectableCount int      `json:"selectable_count"`
		} `json:"poll"`
	}
	for i, m := range msgs {
		if err := json.Unmarshal(m.ce.Data(), &got[i]); err != nil {
			t.Fatal(err)
		}
	}
	loc, card, poll := got[0], got[1], got[2]
	if loc.Type != "location" || loc.Location == nil || loc.Location.Latitude != 52.520008 || loc.Location.Longitude != 13.404954 ||
		loc.Location.Name != "Brandenburg Gate" || loc.Location.Address != "Pariser Platz, 10117 Berlin" || !strings.HasPrefix(loc.Location.URL, "https://maps.google.com/") {
		t.Errorf("location: %s", msgs[0].ce.Data())
	}
	if card.Type != "contact" || len(card.Contacts) != 1 || card.Contacts[0].DisplayName != "John Doe" ||
		!strings.Contains(card.Contacts[0].VCard, "waid=4917698765432:+4917698765432") ||
		!strings.Contains(card.Contacts[0].VCard, "EMAIL") || !strings.Contains(card.Contacts[0].VCard, "ORG:Acme Corp") {
		t.Errorf("contact: %s", msgs[1].ce.Data())
	}
	if poll.Type != "poll" || poll.Poll == nil || poll.Poll.Question != "What is your favorite programming language?" ||
		strings.Join(poll.Poll.Options, ",") != "Python,JavaScript,Go" || poll.Poll.SelectableCount != 1 {
		t.Errorf("poll: %s", msgs[2].ce.Data())
	}
}
