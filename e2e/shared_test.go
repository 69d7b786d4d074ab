package e2e_test

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// sharedSessions are the sessions of the one bridge process that the tests
// which need nothing but a session of their own run against. Each such test
// has its own session here, so what it counts (outbox, events, results,
// consumers) is its own; adding a test means adding its session.
func sharedSessions() []string {
	return []string{"rest", "rpc", "durable", "badinput", "inbound", "pairing", "scan", "magic", "openapi", "reserved", "readyz", "history", "chats", "chats2", "chatpage", "chatsent", "kinds", "presence", "presence-sub", "poll-tally", "conv-ref", "polls", "link", "actions", "replay", "tail", "webhooks", "webhooks2", "users", "users2", "groups-a", "groups-b", "groups-c", "groups-ref", "groups-ref2", "groups-bad", "media-a", "media-b", "forward-media"}
}

// sharedSuite is set by TestMain before any test runs and stopped by it
// after the last.
var sharedSuite *shared

// shared is the one bridge process of the package that tests share. It is
// started by the first test that asks for it, so a run of only
// process-owning tests does not pay for it.
type shared struct {
	once sync.Once
	mu   sync.Mutex
	p    *proc
	dir  string
	err  error
}

// sharedBridge is the shared process seen by t, which uses session (one of
// sharedSessions): requests carry X-Session: session, and the outbox shows
// only that session's deliveries. When t fails, the lines of the process's
// log naming the session are logged.
func sharedBridge(t *testing.T, session string) *bridgeProc {
	t.Helper()
	if !slices.Contains(sharedSessions(), session) {
		t.Fatalf("session %q is not in sharedSessions", session)
	}
	p, err := sharedSuite.get()
	if err != nil {
		t.Fatalf("shared bridge: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("shared wabridge output for session %s:\n%s", session, linesNaming(p.out.String(), session))
		}
	})
	return &bridgeProc{proc: p, t: t, session: session}
}

func (s *shared) get() (*proc, error) {
	s.once.Do(func() {
		p, dir, err := startShared()
		s.mu.Lock()
		s.p, s.dir, s.err = p, dir, err
		s.mu.Unlock()
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p, s.err
}

func startShared() (*proc, string, error) {
	dir, err := os.MkdirTemp("", "wabridge-e2e-shared")
	if err != nil {
		return nil, "", fmt.Errorf("creating the shared data directory: %w", err)
	}
	httpAddr, err := freeLoopback()
	if err != nil {
		return nil, dir, err
	}
	natsAddr, err := freeLoopback()
	if err != nil {
		return nil, dir, err
	}
	p, err := launch(bridgeOpts{dataDir: dir, httpAddr: httpAddr, natsAddr: natsAddr,
		// Loopback is allowed so that link_test.go's page on 127.0.0.1 is
		// previewed; the guard's refusals are proven on a bridge of its own.
		extra: []string{"--sessions", strings.Join(sharedSessions(), ","), "--fetch-allow", "127.0.0.1/32"}})
	if err != nil {
		return nil, dir, err
	}
	if err := p.waitReady(); err != nil {
		p.kill9()
		return nil, dir, err
	}
	return p, dir, nil
}

// stop ends the shared process, if one was started, and removes its data;
// its exit status must be a clean one as for every other process.
func (s *shared) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.p != nil {
		if err = s.p.stop(); err != nil {
			err = fmt.Errorf("exit %w\n%s", err, s.p.out.String())
		}
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	return err
}

func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// linesNaming keeps the log lines that mention session.
func linesNaming(log, session string) string {
	var b strings.Builder
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, session) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
