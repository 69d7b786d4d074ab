// Package e2e_test runs the real wabridge binary in sandbox mode over real
// NATS, HTTP and bbolt, and checks the contract from the outside.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/safebuf"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wabridge-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "wabridge")
	build := exec.Command("go", "build", "-o", binary, "../cmd/wabridge")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	// The binary under test is the one users get: pure Go, no cgo.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building wabridge:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type bridgeOpts struct {
	dataDir  string
	natsURL  string // external NATS; empty = embedded
	natsAddr string // embedded NATS listen address; empty = a free port
	httpAddr string
	extra    []string
	noWait   bool // return once started, without waiting for /readyz
}

type bridgeProc struct {
	t        *testing.T
	cmd      *exec.Cmd
	opts     bridgeOpts
	httpURL  string
	natsURL  string
	out      *safebuf.Buffer
	done     chan struct{}
	exitErr  error
	stopOnce sync.Once
}

func startBridge(t *testing.T, o bridgeOpts) *bridgeProc {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	if o.httpAddr == "" {
		o.httpAddr = freeAddr(t)
	}
	args := []string{"serve", "--sandbox", "--data-dir", o.dataDir, "--http-addr", o.httpAddr,
		"--qr-terminal=false", "--log-level", "debug", "--shutdown-wait", "10s"}
	natsURL := o.natsURL
	if o.natsURL != "" {
		args = append(args, "--nats-url", o.natsURL)
	} else {
		if o.natsAddr == "" {
			o.natsAddr = freeAddr(t)
		}
		args = append(args, "--nats-listen", o.natsAddr)
		natsURL = "nats://" + o.natsAddr
	}
	args = append(args, o.extra...)
	b := &bridgeProc{t: t, opts: o, httpURL: "http://" + o.httpAddr, natsURL: natsURL, out: &safebuf.Buffer{}, done: make(chan struct{})}
	b.cmd = exec.Command(binary, args...)
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	b.cmd.Env = append(os.Environ(), "WABRIDGE_CONFIG=")
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.exitErr = b.cmd.Wait(); close(b.done) }()
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			t.Logf("wabridge output:\n%s", b.out.String())
		}
	})
	if !o.noWait {
		b.waitReady()
	}
	return b
}

func (b *bridgeProc) waitReady() {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-b.done:
			b.t.Fatalf("wabridge exited before ready: %v\n%s", b.exitErr, b.out.String())
		default:
		}
		resp, err := http.Get(b.httpURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("wabridge not ready within 60s\n%s", b.out.String())
}

// stop sends SIGTERM and returns the exit error (nil for exit 0).
func (b *bridgeProc) stop() error {
	b.stopOnce.Do(func() {
		_ = b.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-b.done:
		case <-time.After(30 * time.Second):
			_ = b.cmd.Process.Kill()
			<-b.done
		}
	})
	<-b.done
	return b.exitErr
}

// kill9 kills the process without giving it any chance to clean up.
func (b *bridgeProc) kill9() {
	b.stopOnce.Do(func() {
		_ = b.cmd.Process.Signal(syscall.SIGKILL)
		<-b.done
	})
}

// envelope is the body of every REST answer and the data of every result.
type envelope struct {
	Status  int             `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details"`
	Data    json.RawMessage `json:"data"`
}

func (b *bridgeProc) do(method, path string, body any, header map[string]string) (int, envelope) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.httpURL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		b.t.Fatalf("%s %s: body is not an envelope: %v: %s", method, path, err, raw)
	}
	if env.Status != resp.StatusCode {
		b.t.Fatalf("%s %s: envelope status %d != HTTP status %d", method, path, env.Status, resp.StatusCode)
	}
	return resp.StatusCode, env
}

func (b *bridgeProc) nats() *nats.Conn {
	b.t.Helper()
	nc, err := nats.Connect(b.natsURL)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(nc.Close)
	return nc
}

// login runs the sandbox QR login of a session through REST.
func (b *bridgeProc) login(session string) {
	b.t.Helper()
	h := map[string]string{"X-Session": session}
	status, env := b.do("GET", "/app/login", nil, h)
	if status != http.StatusOK {
		b.t.Fatalf("GET /app/login: %d %s %s", status, env.Code, env.Message)
	}
	var qr struct {
		QRLink string `json:"qr_link"`
		QRCode string `json:"qr_code"`
	}
	mustJSON(b.t, env.Data, &qr)
	if !strings.HasPrefix(qr.QRLink, "data:image/png;base64,") || qr.QRCode == "" {
		b.t.Fatalf("login data: %s", env.Data)
	}
	status, env = b.do("POST", "/sandbox/scan", map[string]string{}, h)
	if status != http.StatusOK {
		b.t.Fatalf("POST /sandbox/scan: %d %s %s", status, env.Code, env.Message)
	}
	b.waitLoggedIn(session)
}

func (b *bridgeProc) waitLoggedIn(session string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		_, env := b.do("GET", "/app/devices", nil, map[string]string{"X-Session": session})
		var devs []struct {
			LoggedIn  bool `json:"logged_in"`
			Connected bool `json:"connected"`
		}
		if env.Status == http.StatusOK && json.Unmarshal(env.Data, &devs) == nil && len(devs) > 0 && devs[0].LoggedIn && devs[0].Connected {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("session %s not logged in and connected", session)
}

type delivery struct {
	To        string `json:"to"`
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
	Message   string `json:"message"`
	QuotedID  string `json:"quoted_message_id"`
}

func (b *bridgeProc) outbox() []delivery {
	b.t.Helper()
	status, env := b.do("GET", "/sandbox/outbox", nil, nil)
	if status != http.StatusOK {
		b.t.Fatalf("GET /sandbox/outbox: %d", status)
	}
	var out []delivery
	mustJSON(b.t, env.Data, &out)
	return out
}

func mustJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

// command builds a command CloudEvent.
func command(t *testing.T, name, id string, data any) event.Event {
	t.Helper()
	e := event.New()
	e.SetID(id)
	e.SetSource("/e2e/test")
	e.SetType("io.wabridge.command." + name)
	if err := e.SetData("application/json", data); err != nil {
		t.Fatal(err)
	}
	return e
}

// request sends a command over core NATS request-reply and decodes the result.
func request(t *testing.T, nc *nats.Conn, subject string, e event.Event, mode cenats.Mode) (event.Event, envelope) {
	t.Helper()
	msg, err := cenats.NewMsg(subject, e, mode)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := nc.RequestMsg(msg, 30*time.Second)
	if err != nil {
		t.Fatalf("request %s: %v", subject, err)
	}
	return decodeResult(t, reply)
}

func decodeResult(t *testing.T, m *nats.Msg) (event.Event, envelope) {
	t.Helper()
	res, err := cenats.Decode(m.Header, m.Data)
	if err != nil {
		t.Fatalf("decoding result: %v (headers %v, data %s)", err, m.Header, m.Data)
	}
	var env envelope
	mustJSON(t, res.Data(), &env)
	return res, env
}

// streamEvents reads every message of WA_EVENTS on filter that arrives until
// want are read or the deadline passes.
func streamEvents(t *testing.T, nc *nats.Conn, filter string, want int, within time.Duration) []jetstream.Msg {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "WA_EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	if err != nil {
		t.Fatalf("ordered consumer on %s: %v", filter, err)
	}
	var out []jetstream.Msg
	for len(out) < want && ctx.Err() == nil {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			continue
		}
		for m := range batch.Messages() {
			out = append(out, m)
		}
	}
	return out
}

// streamCount is how many messages WA_EVENTS holds on filter right now.
func streamCount(t *testing.T, nc *nats.Conn, filter string) uint64 {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "WA_EVENTS")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(filter))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n
}
