package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// restartHistory is large enough that the sync is still running (blobs of
// 200, one outbox transaction each) when killAfter of its messages have
// reached the stream, and small enough to keep the test short.
const (
	restartHistory = 10_000
	killAfter      = 600
)

// History sync exactly once across a SIGKILL in the middle of it.
//
// The sandbox's virtual phone lives in the process: a restart keeps the
// paired device (it is in the data directory) but forgets the blobs the
// phone had still to push, and a paired session cannot be scanned again. So
// the test proves two things. After the kill and a restart on the same data
// directory, what the bridge had kept is on the stream exactly once: whole
// blobs, in the phone's order (past messages 0…k-1, k a multiple of 200),
// one history.sync per blob, and the chat store holds exactly the stream's
// messages. Then the sync is redone from the start (logout, a new pairing
// of the same account pushes the same history with the same ids): the
// stream and the store hold every one of the N messages exactly once,
// nothing of the first, interrupted sync twice.
func TestHistorySyncExactlyOnceAcrossKill9(t *testing.T) {
	t.Parallel()
	dataDir, httpAddr, natsAddr := t.TempDir(), freeAddr(t), freeAddr(t)
	opts := bridgeOpts{dataDir: dataDir, httpAddr: httpAddr, natsAddr: natsAddr}
	b := startBridge(t, opts)
	if status, env := b.do("GET", "/app/login", nil, nil); status != http.StatusOK {
		t.Fatalf("GET /app/login: %d %s %s", status, env.Code, env.Message)
	}
	nc := b.nats()
	const filter = "wa.default.evt.*.message.history"

	scanned := make(chan error, 1)
	go func() { scanned <- scanHistory(b.httpURL, restartHistory) }()
	seen := waitStreamed(t, nc, filter, scanned)
	b.kill9()
	if err := <-scanned; err == nil {
		t.Fatalf("the sync of %d had ended before the kill: make it larger", restartHistory)
	}
	t.Logf("killed with %d of %d message.history on the stream", seen, restartHistory)

	b2 := startBridge(t, opts)
	b2.waitLoggedIn("default")
	nc2 := b2.nats()
	waitDrained(t, b2)
	kept := historyOnStream(t, nc2, filter)
	if len(kept) < int(seen) || (len(kept)%200 != 0 && len(kept) != restartHistory) {
		t.Fatalf("after the restart %d message.history on the stream, %d before the kill: want whole blobs of 200, at least those", len(kept), seen)
	}
	t.Logf("after the restart %d message.history on the stream", len(kept))
	checkPrefix(t, kept, len(kept))
	if n := streamCount(t, nc2, "wa.default.evt._.history.sync"); int(n) != (len(kept)+199)/200 {
		t.Errorf("%d history.sync for %d kept messages, want one per blob of 200", n, len(kept))
	}
	storeAgrees(t, b2, kept)

	// The sync again, from its start, as after a new pairing.
	if status, env := b2.do("POST", "/app/logout", map[string]any{}, nil); status != http.StatusOK {
		t.Fatalf("POST /app/logout: %d %s %s", status, env.Code, env.Message)
	}
	if status, env := b2.do("GET", "/app/login", nil, nil); status != http.StatusOK {
		t.Fatalf("GET /app/login: %d %s %s", status, env.Code, env.Message)
	}
	if err := scanHistory(b2.httpURL, restartHistory); err != nil {
		t.Fatalf("second sync: %v", err)
	}
	waitDrained(t, b2)
	all := historyOnStream(t, nc2, filter)
	if len(all) != restartHistory {
		t.Fatalf("%d message.history on the stream after the whole sync, want exactly %d", len(all), restartHistory)
	}
	checkPrefix(t, all, restartHistory)
	storeAgrees(t, b2, all)
	if err := b2.stop(); err != nil {
		t.Fatalf("clean stop: %v", err)
	}
}

// scanHistory completes the default session's login with a sync of n past
// messages; it answers once the bridge kept every blob. It reports instead
// of failing, as it may run outside the test's goroutine.
func scanHistory(httpURL string, n int) error {
	body, _ := json.Marshal(map[string]int{"history": n})
	resp, err := http.Post(httpURL+"/sandbox/scan", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("POST /sandbox/scan: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /sandbox/scan: %d %s", resp.StatusCode, raw)
	}
	return nil
}

// waitStreamed waits for killAfter messages of the sync on the stream and
// returns how many there are then; the sync must not have ended by then, or the
// kill that follows would not be in the middle of it.
func waitStreamed(t *testing.T, nc *nats.Conn, filter string, scanned <-chan error) uint64 {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-scanned:
			t.Fatalf("the sync of %d ended (%v) before any of it was seen on the stream: make it larger", restartHistory, err)
		default:
		}
		if n := streamCount(t, nc, filter); n >= killAfter {
			if n >= restartHistory {
				t.Fatalf("the whole sync was on the stream before the kill: make it larger")
			}
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fewer than %d message.history on the stream within 15s", killAfter)
	return 0
}

// waitDrained waits until the bridge's outbox is empty (everything it kept
// is on the stream, synced) and the chat store has applied all of it, as
// /readyz reports them.
func waitDrained(t *testing.T, b *bridgeProc) {
	t.Helper()
	var body struct {
		Data struct {
			Outbox struct {
				Details struct {
					Entries int `json:"entries"`
				} `json:"details"`
			} `json:"outbox"`
			ChatStore struct {
				Details struct {
					AppliedSeq uint64 `json:"applied_seq"`
					Pending    uint64 `json:"pending"`
				} `json:"details"`
			} `json:"chatstore"`
		} `json:"data"`
	}
	deadline := time.Now().Add(20 * time.Second)
	var raw []byte
	for time.Now().Before(deadline) {
		resp, err := http.Get(b.httpURL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &body); err == nil && body.Data.Outbox.Details.Entries == 0 &&
			body.Data.ChatStore.Details.AppliedSeq > 0 && body.Data.ChatStore.Details.Pending == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("outbox and chat store not drained within 20s: %s", raw)
}

// historyOnStream reads every message.history on the stream, each checked
// against the contract (events.ValidateCloudEvent, subject, Nats-Msg-Id),
// and fails on an event id or a message id seen twice.
func historyOnStream(t *testing.T, nc *nats.Conn, filter string) []received {
	t.Helper()
	n := int(streamCount(t, nc, filter))
	msgs := streamEvents(t, nc, filter, n, 30*time.Second)
	if len(msgs) != n {
		t.Fatalf("read %d of the %d message.history on the stream", len(msgs), n)
	}
	ids, waIDs := map[string]bool{}, map[string]bool{}
	out := make([]received, 0, n)
	for _, m := range msgs {
		var d received
		mustJSON(t, m.ce.Data(), &d)
		if ids[m.ce.ID()] || waIDs[d.ID] {
			t.Fatalf("event %s (message %s) is on the stream twice", m.ce.ID(), d.ID)
		}
		ids[m.ce.ID()], waIDs[d.ID] = true, true
		out = append(out, d)
	}
	return out
}

// checkPrefix checks that msgs are past messages 0…n-1 of the phone, each
// once: the blobs were kept in the order the phone pushed them, none torn.
func checkPrefix(t *testing.T, msgs []received, n int) {
	t.Helper()
	texts := map[string]bool{}
	for _, m := range msgs {
		texts[m.Text] = true
	}
	for i := range n {
		if !texts[fmt.Sprintf("past message %d", i)] {
			t.Fatalf("past message %d of %d is not on the stream", i, n)
		}
	}
}

// storeAgrees checks that the chat store holds exactly the messages of the
// stream: the same ids in the same chats with the same text and sender side.
func storeAgrees(t *testing.T, b *bridgeProc, onStream []received) {
	t.Helper()
	key := func(chat, id, text string, fromMe bool) string {
		return fmt.Sprintf("%s|%s|%s|%v", chat, id, text, fromMe)
	}
	want := map[string]bool{}
	for _, m := range onStream {
		want[key(m.Chat.JID, m.ID, m.Text, m.FromMe)] = true
	}
	// The projector applies the stream behind the outbox, and its readiness
	// figures may lag a batch: read the store until it holds as many
	// messages as the stream (bounded), then compare them one by one.
	var got map[string]bool
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got = map[string]bool{}
		for _, c := range listChats(t, b, 0) {
			msgs, _ := walkMessages(t, b, c.JID, 500)
			for _, m := range msgs {
				k := key(c.JID, m.ID, m.Message, m.FromMe)
				if got[k] {
					t.Fatalf("the store lists %s twice", k)
				}
				got[k] = true
			}
		}
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
	}
	if len(got) != len(want) {
		t.Fatalf("the store holds %d messages, the stream %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("the stream's %s is not in the store", k)
		}
	}
}
