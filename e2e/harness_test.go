// Package e2e_test runs the real wabridge binary in sandbox mode over real
// NATS, HTTP and bbolt, and checks the contract from the outside.
package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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
	suite := &shared{}
	sharedSuite = suite
	code := m.Run()
	// The shared bridge outlives every test that used it; it must not
	// outlive the test binary.
	if err := suite.stop(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "stopping the shared bridge:", err)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := freeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

type bridgeOpts struct {
	dataDir  string
	natsURL  string // external NATS; empty = embedded
	natsAddr string // embedded NATS listen address; empty = a free port
	httpAddr string
	extra    []string
	noWait   bool // return once started, without waiting for /readyz
}

// proc is one running wabridge process, independent of any test, so that
// one process can serve many tests (see shared).
type proc struct {
	cmd      *exec.Cmd
	opts     bridgeOpts
	httpURL  string
	natsURL  string
	out      *safebuf.Buffer
	done     chan struct{}
	exitErr  error
	stopOnce sync.Once
}

// bridgeProc is a process as one test sees it: failures fail that test, and
// session is the session the test uses ("" = the process's default, picked
// by leaving X-Session out).
type bridgeProc struct {
	*proc
	t       *testing.T
	session string
}

// startBridge starts a process of the test's own and stops it at the test's
// end, for tests that restart, kill or cut the bridge or start it with flags
// of their own. Other tests use sharedBridge.
func startBridge(t *testing.T, o bridgeOpts) *bridgeProc {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	if o.httpAddr == "" {
		o.httpAddr = freeAddr(t)
	}
	if o.natsURL == "" && o.natsAddr == "" {
		o.natsAddr = freeAddr(t)
	}
	p, err := launch(o)
	if err != nil {
		t.Fatal(err)
	}
	b := &bridgeProc{proc: p, t: t}
	t.Cleanup(func() {
		_ = p.stop()
		if t.Failed() {
			t.Logf("wabridge output:\n%s", p.out.String())
		}
	})
	if !o.noWait {
		b.waitReady()
	}
	return b
}

// launch starts the binary with o, whose addresses are all set.
func launch(o bridgeOpts) (*proc, error) {
	args := []string{"serve", "--sandbox", "--data-dir", o.dataDir, "--http-addr", o.httpAddr,
		"--qr-terminal=false", "--log-level", "debug", "--shutdown-wait", "10s"}
	natsURL := o.natsURL
	if o.natsURL != "" {
		args = append(args, "--nats-url", o.natsURL)
	} else {
		args = append(args, "--nats-listen", o.natsAddr)
		natsURL = "nats://" + o.natsAddr
	}
	args = append(args, o.extra...)
	p := &proc{opts: o, httpURL: "http://" + o.httpAddr, natsURL: natsURL, out: &safebuf.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.Env = append(os.Environ(), "WABRIDGE_CONFIG=")
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting wabridge: %w", err)
	}
	go func() { p.exitErr = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

func (b *bridgeProc) waitReady() {
	b.t.Helper()
	if err := b.proc.waitReady(); err != nil {
		b.t.Fatal(err)
	}
}

// waitReady waits for /readyz to answer 200.
func (p *proc) waitReady() error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("wabridge exited before ready: %v\n%s", p.exitErr, p.out.String())
		default:
		}
		resp, err := http.Get(p.httpURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("wabridge not ready within 60s\n%s", p.out.String())
}

// stop sends SIGTERM and returns the exit error (nil for exit 0).
func (p *proc) stop() error {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	<-p.done
	return p.exitErr
}

// kill9 kills the process without giving it any chance to clean up.
func (p *proc) kill9() {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
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
	if b.session != "" {
		req.Header.Set("X-Session", b.session)
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
	Session   string `json:"session"`
}

// outbox is what virtual contacts received from the test's session (from
// every session when the test has none of its own): the network's outbox is
// one for the whole process.
func (b *bridgeProc) outbox() []delivery {
	b.t.Helper()
	status, env := b.do("GET", "/sandbox/outbox", nil, nil)
	if status != http.StatusOK {
		b.t.Fatalf("GET /sandbox/outbox: %d", status)
	}
	var all []delivery
	mustJSON(b.t, env.Data, &all)
	if b.session == "" {
		return all
	}
	var out []delivery
	for _, d := range all {
		if d.Session == b.session {
			out = append(out, d)
		}
	}
	return out
}

func mustJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}
