package natsbus_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/safebuf"
)

// freePort is a loopback port nothing listens on (yet).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestEnsureStreamsRetryWaitsForNATS: called before the NATS server is up,
// EnsureStreamsRetry keeps trying (and says so) and creates the streams once
// the server is there.
func TestEnsureStreamsRetryWaitsForNATS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	nc, err := nats.Connect("nats://"+addr, nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	logs := &safebuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- natsbus.EnsureStreamsRetry(ctx, js, natsbus.StreamsConfig{},
			natsbus.WithStreamLog(slog.New(slog.NewTextHandler(logs, nil))),
			natsbus.WithRetryBackoff(time.Millisecond, 20*time.Millisecond),
			natsbus.WithAttemptTimeout(100*time.Millisecond))
	}()
	for !strings.Contains(logs.String(), "retrying") {
		select {
		case err := <-done:
			t.Fatalf("EnsureStreamsRetry returned %v before NATS was up", err)
		case <-ctx.Done():
			t.Fatal("no retry logged")
		case <-time.After(time.Millisecond):
		}
	}
	startServer(t, natsbus.ServerConfig{Listen: addr}, nil)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("EnsureStreamsRetry: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("EnsureStreamsRetry did not finish once NATS was up")
	}
	for _, name := range []string{natsbus.StreamCommands, natsbus.StreamEvents} {
		streamInfo(ctx, t, js, name)
	}
}

// TestEnsureStreamsRetryGivesUpOnWhatRetryingCannotMend: a foreign stream
// and an invalid configuration return at once, not after an hour's backoff.
func TestEnsureStreamsRetryGivesUpOnWhatRetryingCannotMend(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, js := jetStream(t)
	slow := natsbus.WithRetryBackoff(time.Hour, time.Hour)
	if err := natsbus.EnsureStreamsRetry(ctx, js, natsbus.StreamsConfig{Replicas: 9}, slow); err == nil || ctx.Err() != nil {
		t.Fatalf("invalid configuration: %v (context %v), want its error at once", err, ctx.Err())
	}
	if err := natsbus.EnsureStreamsRetry(ctx, js, natsbus.StreamsConfig{}, slow); err != nil {
		t.Fatal(err)
	}
	sc := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	sc.Subjects = []string{"wa.*.evt.>"}
	if _, err := js.UpdateStream(ctx, sc); err != nil {
		t.Fatal(err)
	}
	err := natsbus.EnsureStreamsRetry(ctx, js, natsbus.StreamsConfig{}, slow)
	if !errors.Is(err, natsbus.ErrForeignStream) {
		t.Fatalf("foreign stream: %v, want ErrForeignStream at once", err)
	}
}

// TestEnsureStreamsRetryStopsWithItsContext: without NATS, the end of ctx
// ends the retries with the last attempt's error and the reason.
func TestEnsureStreamsRetryStopsWithItsContext(t *testing.T) {
	nc, err := nats.Connect("nats://127.0.0.1:"+strconv.Itoa(freePort(t)), nats.RetryOnFailedConnect(true))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err = natsbus.EnsureStreamsRetry(ctx, js, natsbus.StreamsConfig{},
		natsbus.WithRetryBackoff(time.Hour, time.Hour), natsbus.WithAttemptTimeout(10*time.Millisecond))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the cancellation", err)
	}
}
