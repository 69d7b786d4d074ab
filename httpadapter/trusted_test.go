package httpadapter_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/safebuf"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

const (
	testSecret  = "internal-secret-9f3-0123456789abcdef"
	otherSecret = "another-secret-of-another-deployment"
)

func TestCommandCarriesSignatureAndDeadline(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	const timeout = 7 * time.Second
	var logs safebuf.Buffer
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.InternalSecret = testSecret
		c.Timeout = timeout
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	untrusted := newServer(t, nc, nil)

	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/send/message", `{"phone":"4917612345678","message":"hi"}`},
		{http.MethodGet, "/user/info?phone=4917612345678", ""},
	} {
		before := time.Now()
		resp, env := call(t, srv, tc.method, tc.path, tc.body, nil)
		after := time.Now()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %v", tc.method, tc.path, resp.StatusCode, env)
		}
		e := echoOf(t, env)
		if !strings.HasPrefix(e.Internal, "v1,") || strings.Contains(e.Internal, testSecret) {
			t.Errorf("%s: internal header %q is no signature, or shows the secret", tc.path, e.Internal)
		}
		exp, err := time.Parse(time.RFC3339, e.ExpiryTime)
		if err != nil {
			t.Fatalf("%s: expirytime %q is not RFC 3339: %v", tc.path, e.ExpiryTime, err)
		}
		// The moment the adapter gives up waiting: its timeout after the
		// request arrived.
		if exp.Before(before.Add(timeout).Truncate(time.Second)) || exp.After(after.Add(timeout)) {
			t.Errorf("%s: expirytime %s, want %s + %s", tc.path, exp, before, timeout)
		}
	}

	resp, env := call(t, untrusted, http.MethodGet, "/user/info", "", nil)
	if e := echoOf(t, env); resp.StatusCode != http.StatusOK || e.Internal != "" {
		t.Errorf("adapter without a secret sent internal header %q (%d)", e.Internal, resp.StatusCode)
	}
	srv.Close()
	if strings.Contains(logs.String(), testSecret) {
		t.Errorf("the internal secret reached the log:\n%s", logs.String())
	}
}

func TestConfigRefusesWeakSecretAndLongWait(t *testing.T) {
	nc := startNATS(t)
	for name, edit := range map[string]func(*httpadapter.Config){
		"short secret": func(c *httpadapter.Config) { c.InternalSecret = "short" },
		"wait beyond the signed bound": func(c *httpadapter.Config) {
			c.InternalSecret, c.Timeout = testSecret, natsbus.MaxSignedAhead+time.Second
		},
	} {
		cfg := httpadapter.Config{Routes: testRoutes, Bus: nc, Timeout: time.Second, Log: discard()}
		edit(&cfg)
		if _, err := httpadapter.New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

// trustRecorder is the command side of one bridge process: it answers
// each call with whether the transport trusted it.
type trustRecorder struct {
	mu    sync.Mutex
	calls []commands.Call
}

func (r *trustRecorder) Dispatch(_ context.Context, c commands.Call) commands.Result {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	status := http.StatusOK
	if !c.Trusted {
		// As the dispatcher does with a reserved source it does not trust.
		status = http.StatusBadRequest
	}
	return commands.Result{Event: recorderResult(status, c.Session)}
}

func (r *trustRecorder) Reject(_, _ string, err error) event.Event {
	return recorderResult(werr.From(err).Status(), "")
}

func (r *trustRecorder) Calls() []commands.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]commands.Call(nil), r.calls...)
}

func recorderResult(status int, session string) event.Event {
	e := event.New()
	e.SetID(uuid.NewString())
	e.SetSource("/wabridge/test")
	e.SetType("wa.command.result")
	data, _ := json.Marshal(map[string]any{"status": status, "message": "recorded", "data": map[string]string{"session": session}})
	_ = e.SetData(event.ApplicationJSON, data)
	return e
}

type nopSink struct{}

func (nopSink) Put(context.Context, string, event.Event, ...store.Write) error { return nil }

func startProcess(t *testing.T, nc *nats.Conn, session, secret string) *trustRecorder {
	t.Helper()
	rec := &trustRecorder{}
	srv, err := transport.NewRPCServer(nc, rec, nopSink{}, transport.RPCConfig{
		Sessions: []string{session}, InternalSecret: secret,
	}, discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return rec
}

// TestTrustAcrossProcesses: two bridge processes share one NATS, one runs
// "default", the other "sales". With the same secret, a REST call to
// either process reaches the session's process trusted, wherever the
// session runs; a process with another secret trusts none of them.
func TestTrustAcrossProcesses(t *testing.T) {
	nc := startNATS(t)
	a := startProcess(t, nc, "default", testSecret)
	b := startProcess(t, nc, "sales", testSecret)
	c := startProcess(t, nc, "support", otherSecret)
	restA := newServer(t, nc, func(c *httpadapter.Config) { c.InternalSecret = testSecret })

	for session, want := range map[string]int{"default": http.StatusOK, "sales": http.StatusOK, "support": http.StatusBadRequest} {
		resp, env := call(t, restA, http.MethodPost, "/send/message", `{"phone":"4917612345678","message":"hi"}`,
			map[string]string{"X-Session": session, "Idempotency-Key": "k-" + session})
		if resp.StatusCode != want {
			t.Errorf("session %s: %d %v, want %d", session, resp.StatusCode, env, want)
		}
	}
	for name, rec := range map[string]*trustRecorder{"default": a, "sales": b, "support": c} {
		calls := rec.Calls()
		if len(calls) != 1 || calls[0].Session != name {
			t.Fatalf("process of %s got %d calls", name, len(calls))
		}
		if want := name != "support"; calls[0].Trusted != want {
			t.Errorf("process of %s: Trusted %v, want %v", name, calls[0].Trusted, want)
		}
	}
}
