package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// A scan with history makes the phone push 500 past messages over a few
// chats: exactly 500 message.history land on WA_EVENTS, each valid by the
// contract (streamEvents checks schema, subject and Nats-Msg-Id), with
// distinct ids, followed by the blobs' history.sync progress up to 100.
func TestScanWithHistoryLandsEveryMessageOnce(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "history")
	h := map[string]string{"X-Session": b.session}
	if status, env := b.do("GET", "/app/login", nil, h); status != http.StatusOK {
		t.Fatalf("GET /app/login: %d %s %s", status, env.Code, env.Message)
	}
	if status, env := b.do("POST", "/sandbox/scan", map[string]any{"history": 500}, h); status != http.StatusOK {
		t.Fatalf("POST /sandbox/scan: %d %s %s", status, env.Code, env.Message)
	}
	b.waitLoggedIn(b.session)
	nc := b.nats()

	msgs := streamEvents(t, nc, "wa.history.evt.*.message.history", 500, 60*time.Second)
	if len(msgs) != 500 {
		t.Fatalf("%d message.history events, want 500", len(msgs))
	}
	ids, chats := map[string]bool{}, map[string]bool{}
	for _, m := range msgs {
		ids[m.ce.ID()] = true
		chats[m.ce.Subject()] = true
	}
	if len(ids) != 500 || len(chats) < 2 {
		t.Fatalf("%d distinct ids over %d chats, want 500 over a few", len(ids), len(chats))
	}
	progress := streamEvents(t, nc, "wa.history.evt._.history.sync", 3, 20*time.Second)
	if len(progress) != 3 {
		t.Fatalf("%d history.sync events, want 3 (blobs of 200)", len(progress))
	}
	var last struct {
		Progress int `json:"progress"`
		Messages int `json:"messages"`
	}
	if err := json.Unmarshal(progress[2].ce.Data(), &last); err != nil || last.Progress != 100 || last.Messages != 100 {
		t.Fatalf("last history.sync %s, want progress 100 over 100 messages", progress[2].ce.Data())
	}
	// Everything of the sync was published before its last history.sync:
	// no message.history beyond the 500 can still come.
	if n := streamCount(t, nc, "wa.history.evt.*.message.history"); n != 500 {
		t.Fatalf("WA_EVENTS holds %d message.history, want exactly 500", n)
	}
}
