package e2e_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// webhookFlags make retries fast: backoffs of tens of milliseconds, and
// events a killed bridge had in delivery come back after 2 s.
func webhookFlags() []string {
	return []string{"--webhook-backoff-min", "20ms", "--webhook-backoff-max", "300ms", "--webhook-ack-wait", "2s"}
}

type createdHook struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

func createHook(t *testing.T, b *bridgeProc, def map[string]any) createdHook {
	t.Helper()
	status, env := b.do("POST", "/webhooks", def, nil)
	if status != http.StatusOK {
		t.Fatalf("POST /webhooks: %d %s %s", status, env.Code, env.Message)
	}
	var c createdHook
	mustJSON(t, env.Data, &c)
	if c.ID == "" || len(c.Secret) < 10 {
		t.Fatalf("created %s", env.Data)
	}
	return c
}

// hookChats are three contacts of the session, each its own chat.
var hookChats = []string{"4915110000001", "4915110000002", "4915110000003"}

// sendInbound makes the contacts send texts round-robin; sent records the
// texts per chat JID in sending order.
func sendInbound(t *testing.T, b *bridgeProc, session string, from, n int, sent map[string][]string) {
	t.Helper()
	for i := from; i < from+n; i++ {
		phone := hookChats[i%len(hookChats)]
		text := fmt.Sprintf("m%02d", i)
		status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": phone, "message": text}, map[string]string{"X-Session": session})
		if status != http.StatusOK {
			t.Fatalf("inbound %s: %d %s %s", text, status, env.Code, env.Message)
		}
		jid := phone + "@s.whatsapp.net"
		sent[jid] = append(sent[jid], text)
	}
}

// A receiver that fails the first 3 attempts of each event, then is down
// for 5 s, then returns: every event arrives exactly once as 2xx, in order
// per chat, each signature verifying with the Standard Webhooks library.
func TestWebhooksThroughFailuresAndOutage(t *testing.T) {
	b := startBridge(t, bridgeOpts{extra: webhookFlags()})
	b.login("default")
	rc := newHookReceiver(t)
	rc.set(3, 0)
	hook := createHook(t, b, map[string]any{"url": rc.url(), "events": []string{"io.wabridge.message.received"}, "concurrency": 3})
	sent := map[string][]string{}
	sendInbound(t, b, "default", 0, 6, sent)
	rc.waitSuccesses(2, 30*time.Second)
	rc.down()
	sendInbound(t, b, "default", 6, 6, sent)
	time.Sleep(5 * time.Second)
	rc.up()
	got := rc.waitSuccesses(12, 60*time.Second)
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
	checkExactlyOnce(t, rc.successes(), sent, hook.Secret)
	_ = got
	status, env := b.do("GET", "/webhooks/"+hook.ID, nil, nil)
	var view struct {
		Status struct {
			Delivered   int    `json:"delivered"`
			LastSuccess string `json:"last_success"`
			LastError   string `json:"last_error"`
			Lag         int    `json:"lag"`
			DeadLetters int    `json:"dead_letters"`
		} `json:"status"`
	}
	mustJSON(t, env.Data, &view)
	if status != 200 || view.Status.Delivered != 12 || view.Status.LastSuccess == "" || view.Status.LastError == "" ||
		view.Status.Lag != 0 || view.Status.DeadLetters != 0 {
		t.Fatalf("GET /webhooks/%s: %d %s", hook.ID, status, env.Data)
	}
}

// The same with the bridge killed (SIGKILL) while the receiver is down and
// started again: nothing is lost, nothing arrives twice, order holds.
func TestWebhooksSurviveKill(t *testing.T) {
	dir := t.TempDir()
	opts := bridgeOpts{dataDir: dir, extra: webhookFlags()}
	opts.httpAddr, opts.natsAddr = freeAddr(t), freeAddr(t)
	b := startBridge(t, opts)
	b.login("default")
	rc := newHookReceiver(t)
	rc.set(3, 0)
	hook := createHook(t, b, map[string]any{"url": rc.url(), "events": []string{"io.wabridge.message.received"}})
	sent := map[string][]string{}
	sendInbound(t, b, "default", 0, 6, sent)
	rc.waitSuccesses(2, 30*time.Second)
	rc.down()
	sendInbound(t, b, "default", 6, 3, sent)
	time.Sleep(time.Second)
	b.kill9()
	b = startBridge(t, opts)
	b.waitLoggedIn("default")
	sendInbound(t, b, "default", 9, 3, sent)
	time.Sleep(2 * time.Second)
	rc.up()
	rc.waitSuccesses(12, 60*time.Second)
	time.Sleep(time.Second)
	checkExactlyOnce(t, rc.successes(), sent, hook.Secret)
}

// A receiver answering 500 forever: after max_age the events are in the
// dead letters (listed, paged); redrive delivers them once it is back and
// empties the dead letters.
func TestWebhooksDeadLettersAndRedrive(t *testing.T) {
	b := sharedBridge(t, "webhooks2")
	b.login("webhooks2")
	rc := newHookReceiver(t)
	rc.set(0, http.StatusInternalServerError)
	hook := createHook(t, b, map[string]any{"url": rc.url(), "sessions": []string{"webhooks2"},
		"events": []string{"io.wabridge.message.received"}, "max_age": 2, "mode": "structured"})
	sent := map[string][]string{}
	sendInbound(t, b, "webhooks2", 0, 3, sent)
	deadline := time.Now().Add(40 * time.Second)
	for {
		var view struct {
			Status struct {
				DeadLetters int `json:"dead_letters"`
			} `json:"status"`
		}
		_, env := b.do("GET", "/webhooks/"+hook.ID, nil, nil)
		mustJSON(t, env.Data, &view)
		if view.Status.DeadLetters == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead letters after 40 s: %s", env.Data)
		}
		time.Sleep(200 * time.Millisecond)
	}
	status, env := b.do("GET", "/webhooks/"+hook.ID+"/deadletters?limit=2", nil, nil)
	var page struct {
		Items []struct {
			Error    string         `json:"error"`
			Attempts int            `json:"attempts"`
			Event    map[string]any `json:"event"`
		} `json:"items"`
		NextCursor uint64 `json:"next_cursor"`
		Total      int    `json:"total"`
	}
	mustJSON(t, env.Data, &page)
	if status != 200 || len(page.Items) != 2 || page.NextCursor == 0 || page.Total != 3 ||
		page.Items[0].Event["type"] != "io.wabridge.message.received" || page.Items[0].Attempts < 1 {
		t.Fatalf("dead letters: %d %s", status, env.Data)
	}
	rc.set(0, 0)
	if status, env := b.do("POST", "/webhooks/"+hook.ID+"/redrive", nil, nil); status != 200 {
		t.Fatalf("redrive: %d %s", status, env.Message)
	}
	rc.waitSuccesses(3, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	for _, d := range rc.successes() {
		if ct := d.header.Get("Content-Type"); ct != "application/cloudevents+json" {
			t.Errorf("structured delivery has Content-Type %q", ct)
		}
	}
	checkExactlyOnce(t, rc.successes(), sent, hook.Secret)
	deadline = time.Now().Add(10 * time.Second)
	for {
		_, env := b.do("GET", "/webhooks/"+hook.ID+"/deadletters", nil, nil)
		mustJSON(t, env.Data, &page)
		if page.Total == 0 && len(page.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead letters after redrive: %s", env.Data)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Bad input of CONTRACT §10: clear codes, nothing created; DELETE of an
// unknown id is 404; the test route answers the receiver's status.
func TestWebhooksBadInputAndTestRoute(t *testing.T) {
	b := sharedBridge(t, "webhooks")
	for _, c := range []struct {
		name, code string
		def        map[string]any
	}{
		{"file url", "URL_NOT_ALLOWED", map[string]any{"url": "file:///etc/passwd"}},
		{"gopher url", "URL_NOT_ALLOWED", map[string]any{"url": "gopher://127.0.0.1/"}},
		{"malformed chat filter", "INVALID_PAYLOAD", map[string]any{"url": "http://127.0.0.1:9/", "chats": []string{"12345@nowhere"}}},
		{"unknown event type", "INVALID_PAYLOAD", map[string]any{"url": "http://127.0.0.1:9/", "events": []string{"io.wabridge.message.teleported"}}},
		{"invalid secret", "INVALID_PAYLOAD", map[string]any{"url": "http://127.0.0.1:9/", "secret": "not-a-whsec"}},
		{"unknown field", "INVALID_PAYLOAD", map[string]any{"url": "http://127.0.0.1:9/", "event": []string{"io.wabridge.message.received"}}},
	} {
		if status, env := b.do("POST", "/webhooks", c.def, nil); status != 400 || env.Code != c.code {
			t.Errorf("%s: %d %s %s, want 400 %s", c.name, status, env.Code, env.Message, c.code)
		}
	}
	for _, path := range []string{"/webhooks/wh_00000000000000000000", "/webhooks/not-an-id"} {
		if status, env := b.do("DELETE", path, nil, nil); status != 404 || env.Code != "NOT_FOUND" {
			t.Errorf("DELETE %s: %d %s", path, status, env.Code)
		}
	}
	rc := newHookReceiver(t)
	rc.set(0, http.StatusAccepted)
	hook := createHook(t, b, map[string]any{"url": rc.url(), "sessions": []string{"webhooks"}})
	status, env := b.do("POST", "/webhooks/"+hook.ID+"/test", nil, nil)
	var res struct {
		Delivered      bool `json:"delivered"`
		ReceiverStatus int  `json:"receiver_status"`
	}
	mustJSON(t, env.Data, &res)
	if status != 200 || !res.Delivered || res.ReceiverStatus != 202 || len(rc.successes()) != 1 {
		t.Fatalf("test route: %d %s, %d deliveries", status, env.Data, len(rc.successes()))
	}
	checkSignature(t, rc.successes()[0], hook.Secret)
	if status, _ := b.do("DELETE", "/webhooks/"+hook.ID, nil, nil); status != 200 {
		t.Fatalf("DELETE: %d", status)
	}
	if status, env := b.do("GET", "/webhooks/"+hook.ID, nil, nil); status != 404 || env.Code != "NOT_FOUND" {
		t.Fatalf("GET after DELETE: %d %s", status, env.Code)
	}
}
