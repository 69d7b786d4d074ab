package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/safebuf"
)

// target is a wabridge process in sandbox mode and the clients that drive it.
type target struct {
	cmd     *exec.Cmd
	out     *safebuf.Buffer
	done    chan struct{}
	exitErr error

	httpURL string
	natsURL string
	nc      *nats.Conn
	js      jetstream.JetStream
	http    *http.Client
}

// buildWabridge compiles ./cmd/wabridge of the module containing the current
// directory into dir and returns the binary's path.
func buildWabridge(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("finding the module root: not inside the wabridge module")
	}
	bin := filepath.Join(dir, "bin", "wabridge")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/wabridge")
	build.Dir = filepath.Dir(gomod)
	if msg, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building wabridge: %w\n%s", err, msg)
	}
	return bin, nil
}

// startWabridge runs binary serve --sandbox with sessions on free loopback
// ports and waits until /readyz answers 200. The caller must stop it.
func startWabridge(ctx context.Context, binary, dataDir string, conns int, sessions []string) (*target, error) {
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	natsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	t := &target{out: &safebuf.Buffer{}, done: make(chan struct{}),
		httpURL: "http://" + httpAddr, natsURL: "nats://" + natsAddr, http: httpClient(conns)}
	t.cmd = exec.Command(binary, "serve", "--sandbox", "--data-dir", dataDir,
		"--http-addr", httpAddr, "--nats-listen", natsAddr,
		"--qr-terminal=false", "--log-level", "warn", "--shutdown-wait", "10s",
		"--sessions", strings.Join(sessions, ","))
	t.cmd.Stdout, t.cmd.Stderr = t.out, t.out
	// A config file named by the caller's environment would change what is measured.
	t.cmd.Env = append(os.Environ(), "WABRIDGE_CONFIG=")
	if err := t.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting wabridge: %w", err)
	}
	go func() { t.exitErr = t.cmd.Wait(); close(t.done) }()
	if err := t.waitReady(ctx); err != nil {
		_ = t.stop() // its output is in err already
		return nil, err
	}
	if t.nc, err = nats.Connect(t.natsURL, nats.Name("wabridge-bench")); err != nil {
		_ = t.stop()
		return nil, fmt.Errorf("connecting to wabridge's NATS: %w", err)
	}
	if t.js, err = jetstream.New(t.nc); err != nil {
		_ = t.stop()
		return nil, fmt.Errorf("opening wabridge's JetStream: %w", err)
	}
	return t, nil
}

func (t *target) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		select {
		case <-t.done:
			return fmt.Errorf("wabridge exited before it was ready: %v\n%s", t.exitErr, t.out.String())
		case <-ctx.Done():
			return fmt.Errorf("waiting for wabridge to be ready: %w\n%s", ctx.Err(), t.out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if status, _, err := t.call(ctx, http.MethodGet, "/readyz", nil, nil); err == nil && status == http.StatusOK {
			return nil
		}
	}
}

// login runs the sandbox QR login of the default session over REST and
// waits until the session is connected.
func (t *target) login(ctx context.Context) error {
	if status, env, err := t.call(ctx, http.MethodGet, "/app/login", nil, nil); err != nil || status != http.StatusOK {
		return fmt.Errorf("GET /app/login: %d %s: %w", status, env.Code, err)
	}
	if status, env, err := t.call(ctx, http.MethodPost, "/sandbox/scan", map[string]string{}, nil); err != nil || status != http.StatusOK {
		return fmt.Errorf("POST /sandbox/scan: %d %s: %w", status, env.Code, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		_, env, err := t.call(ctx, http.MethodGet, "/app/devices", nil, nil)
		if err == nil && connected(env.Data) {
			return nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("waiting for the default session to connect: %w", ctx.Err())
}

// stop asks wabridge to shut down cleanly and kills it if it does not. It
// returns the exit error with wabridge's output (nil for exit 0).
func (t *target) stop() error {
	if t.nc != nil {
		t.nc.Close()
	}
	t.http.CloseIdleConnections()
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.done:
	case <-time.After(20 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.done
	}
	if t.exitErr != nil {
		return fmt.Errorf("wabridge did not exit cleanly: %w\n%s", t.exitErr, t.out.String())
	}
	return nil
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// settle waits until WA_EVENTS has not grown for quietFor (at most a
// minute), so a scenario does not pay for the receipts and results the
// previous one left in wabridge's outbox. quietFor 0 does not wait.
func (t *target) settle(ctx context.Context, quietFor time.Duration) error {
	const maxSettle = time.Minute
	if quietFor <= 0 {
		return nil
	}
	poll := min(quietFor, 250*time.Millisecond)
	s, err := t.js.Stream(ctx, "WA_EVENTS")
	if err != nil {
		return fmt.Errorf("looking up WA_EVENTS: %w", err)
	}
	var last uint64
	var quiet time.Duration
	for end := time.Now().Add(maxSettle); time.Now().Before(end) && quiet < quietFor; {
		info, err := s.Info(ctx)
		if err != nil {
			return fmt.Errorf("reading WA_EVENTS: %w", err)
		}
		if info.State.LastSeq == last {
			quiet += poll
		} else {
			last, quiet = info.State.LastSeq, 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
	return nil
}
