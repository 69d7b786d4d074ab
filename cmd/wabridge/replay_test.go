package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/webhooks"
)

// replayServer is a nats-server listening on loopback with WA_EVENTS
// holding n numbered events of the default session; ids are theirs in
// stream order.
func replayServer(t *testing.T, n int) (url string, nc *nats.Conn, ids []string) {
	t.Helper()
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: t.TempDir(), Listen: "127.0.0.1:-1", Token: "s3cret-token"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	nc, err = natsbus.ConnectInProcess(ns, nats.Token("s3cret-token"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := events.NumberedSample("default", i)
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := cenats.NewMsg(natsbus.Subjects{}.Event("default", e.Subject, "message.received"), ce, cenats.Mode(i%2))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ce.ID())
	}
	return ns.ClientURL(), nc, ids
}

func runReplayCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"replay"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

func idsOf(t *testing.T, ndjson string) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(ndjson))
	for sc.Scan() {
		var e struct {
			ID  string `json:"id"`
			Seq uint64 `json:"seq"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Seq == 0 {
			t.Fatalf("line %q: %v (seq %d)", sc.Text(), err, e.Seq)
		}
		out = append(out, e.ID)
	}
	return out
}

func TestReplayCLIToStdoutAndFile(t *testing.T) {
	url, _, ids := replayServer(t, 20)
	out, errOut, code := runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token", "--from-seq", "3", "--to-seq", "12")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := idsOf(t, out); !slices.Equal(got, ids[2:12]) {
		t.Fatalf("got %v, want %v", got, ids[2:12])
	}
	if !strings.Contains(errOut, "replayed 10 events") || !strings.Contains(errOut, "bytes in") {
		t.Fatalf("summary missing from stderr: %q", errOut)
	}
	path := filepath.Join(t.TempDir(), "audit.ndjson")
	chat := events.NumberedSample("default", 4).Subject
	_, errOut, code = runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token", "--chat", chat, "--type", "message.received", "--to", "file:"+path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, id := range ids {
		if events.NumberedSample("default", i).Subject == chat {
			want = append(want, id)
		}
	}
	if got := idsOf(t, string(raw)); !slices.Equal(got, want) {
		t.Fatalf("chat %s: got %v, want %v", chat, got, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("output file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestReplayCLIRepublishesToNATS(t *testing.T) {
	url, nc, ids := replayServer(t, 6)
	sub, err := nc.SubscribeSync("audit.copy")
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	_, errOut, code := runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token", "--to", "nats:audit.copy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, id := range ids {
		m, err := sub.NextMsg(10 * time.Second)
		if err != nil {
			t.Fatalf("republished event %d: %v", i, err)
		}
		ce, err := cenats.Decode(m.Header, m.Data)
		if err != nil {
			t.Fatalf("republished event %d is not a CloudEvent: %v", i, err)
		}
		if ce.ID() != id || m.Header.Get("ce-id") != id {
			t.Fatalf("event %d: id %s (header %q), want %s in binary mode", i, ce.ID(), m.Header.Get("ce-id"), id)
		}
		if err := events.ValidateCloudEvent(ce); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplayCLIPostsSignedDeliveries(t *testing.T) {
	url, _, ids := replayServer(t, 4)
	secret := webhooks.NewSecret()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	failedOnce := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := wh.Verify(body, r.Header); err != nil {
			t.Errorf("signature does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !failedOnce { // a receiver that fails once is retried
			failedOnce = true
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got = append(got, r.Header.Get("webhook-id"))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	_, errOut, code := runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token", "--to", srv.URL+"/hook", "--secret", secret)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("delivered %v, want %v", got, ids)
	}
}

func TestReplayCLIRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		mention string
	}{
		{[]string{"--since", "yesterday"}, "RFC 3339"},
		{[]string{"--type", "io.wabridge.nope"}, "not an event type"},
		{[]string{"--chat", "not a jid"}, "neither a JID"},
		{[]string{"--from-seq", "9", "--to-seq", "2"}, "to_seq"},
		{[]string{"--to", "ftp://x"}, "--to must be"},
		{[]string{"--to", "https://example.test/"}, "--secret"},
		{[]string{"--to", "https://example.test/", "--secret", "nope"}, "--secret"},
		{[]string{"--to", "nats:a.*"}, "wildcards"},
	} {
		args := append([]string{"--nats-url", "nats://127.0.0.1:1"}, tc.args...)
		_, errOut, code := runReplayCLI(t, args...)
		if code == 0 || !strings.Contains(errOut, tc.mention) {
			t.Errorf("%v: exit %d, stderr %q, want it to mention %q", tc.args, code, errOut, tc.mention)
		}
	}
}

func TestReplayCLIProgressBar(t *testing.T) {
	url, _, _ := replayServer(t, 3)
	_, errOut, code := runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token", "--progress", "always")
	if code != 0 || !strings.Contains(errOut, "replaying") || !strings.Contains(errOut, "replayed 3 events") {
		t.Fatalf("exit %d, stderr %q: want the bar and the summary", code, errOut)
	}
	_, errOut, _ = runReplayCLI(t, "--nats-url", url, "--nats-token", "s3cret-token")
	if strings.Contains(errOut, "replaying") {
		t.Fatalf("a bar on a stderr that is no terminal: %q", errOut)
	}
}
