package e2e_test

import (
	"encoding/json"

	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// hookReceiver is a webhook receiver on 127.0.0.1 that can fail the first
// attempts of each event, go down (stop listening) and come back on the
// same port, and answer by a rule.
type hookReceiver struct {
	t    *testing.T
	addr string

	mu        sync.Mutex
	srv       *http.Server
	failFirst int            // attempts of each event answered 500
	forever   int            // when not 0: every answer is this status
	tries     map[string]int // attempts per webhook-id
	got       []hookDelivery // every attempt that reached the handler
}

type hookDelivery struct {
	id     string
	status int
	chat   string
	text   string
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{t: t, tries: map[string]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(func() { r.down() })
	return r
}

func (r *hookReceiver) url() string { return "http://" + r.addr + "/hook" }

func (r *hookReceiver) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(r.handle), ReadHeaderTimeout: 5 * time.Second}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (r *hookReceiver) handle(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get("webhook-id")
	var data struct {
		Text string `json:"text"`
		Chat struct {
			JID string `json:"jid"`
		} `json:"chat"`
	}
	_ = json.Unmarshal(body, &data)
	chat, text := data.Chat.JID, data.Text
	if req.Header.Get("Content-Type") == "application/cloudevents+json" {
		chat, text = chatOfStructured(body), textOfStructured(body)
	}
	r.mu.Lock()
	r.tries[id]++
	status := http.StatusOK
	switch {
	case r.forever != 0:
		status = r.forever
	case r.tries[id] <= r.failFirst:
		status = http.StatusInternalServerError
	}
	r.got = append(r.got, hookDelivery{id: id, status: status, chat: chat, text: text, header: req.Header.Clone(), body: body})
	r.mu.Unlock()
	w.WriteHeader(status)
}

// down stops listening (connections are refused) and closes open ones.
func (r *hookReceiver) down() {
	r.mu.Lock()
	srv := r.srv
	r.srv = nil
	r.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// up listens again on the same port.
func (r *hookReceiver) up() {
	r.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may linger a moment after close
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatalf("receiver cannot listen on %s again: %v", r.addr, err)
	}
	r.serve(ln)
}

func (r *hookReceiver) set(failFirst, forever int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failFirst, r.forever = failFirst, forever
}

// successes are the 2xx deliveries in the order they were answered.
func (r *hookReceiver) successes() []hookDelivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hookDelivery
	for _, d := range r.got {
		if d.status/100 == 2 {
			out = append(out, d)
		}
	}
	return out
}

func (r *hookReceiver) waitSuccesses(n int, within time.Duration) []hookDelivery {
	r.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := r.successes()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("receiver has %d successful deliveries after %s, want %d", len(got), within, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce asserts that every text arrived once as 2xx, that
// each chat's texts came in the order they were sent, and that every
// signature verifies with the Standard Webhooks library.
func checkExactlyOnce(t *testing.T, got []hookDelivery, sent map[string][]string, secret string) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	perChat := map[string][]string{}
	ids := map[string]int{}
	for _, d := range got {
		if err := wh.Verify(d.body, d.header); err != nil {
			t.Errorf("delivery %s (%q) does not verify: %v", d.id, d.text, err)
		}
		ids[d.id]++
		perChat[d.chat] = append(perChat[d.chat], d.text)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("event %s arrived %d times as 2xx", id, n)
		}
	}
	total := 0
	for chat, texts := range sent {
		total += len(texts)
		if !slices.Equal(perChat[chat], texts) {
			t.Errorf("chat %s: arrived %v, sent %v", chat, perChat[chat], texts)
		}
	}
	if len(got) != total {
		t.Errorf("%d successful deliveries, %d events sent", len(got), total)
	}
}

func checkSignature(t *testing.T, d hookDelivery, secret string) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(d.body, d.header); err != nil {
		t.Errorf("delivery %s does not verify: %v", d.id, err)
	}
}

// textOfStructured and chatOfStructured read a structured-mode body.
func textOfStructured(body []byte) string {
	var ce struct {
		Data struct {
			Text string `json:"text"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &ce)
	return ce.Data.Text
}

func chatOfStructured(body []byte) string {
	var ce struct {
		Subject string `json:"subject"`
	}
	_ = json.Unmarshal(body, &ce)
	return ce.Subject
}
