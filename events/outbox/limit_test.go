package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// A bridge starts before an external server is reachable: the size limit
// is the default until the connection learns the server's max_payload, and
// that one from then on, so an entry the server would refuse is refused at
// Emit instead of being set aside later.
func TestSizeLimitFollowsTheServerOnceReached(t *testing.T) {
	probe, err := natsbus.StartServer(natsbus.ServerConfig{Listen: "127.0.0.1:-1", StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Shutdown()
	probe.WaitForShutdown()

	connected := make(chan struct{}, 1)
	nc, err := nats.Connect("nats://"+addr, nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1),
		nats.ReconnectWait(20*time.Millisecond), nats.ConnectHandler(func(*nats.Conn) { connected <- struct{}{} }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ob, err := outbox.New(db, subjects, outbox.WithMaxMessageBytesFunc(nc.MaxPayload))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if nc.MaxPayload() != 0 {
		t.Fatalf("MaxPayload before any server = %d, want 0", nc.MaxPayload())
	}
	if err := ob.Emit(ctx, bigEvent(1, 16<<10)); err != nil {
		t.Fatalf("before the server is reached the default limit applies, got %v", err)
	}

	s, err := natsbus.StartServer(natsbus.ServerConfig{Listen: addr, StoreDir: t.TempDir(), MaxPayload: 8 << 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		t.Fatal("never connected")
	}
	if err := ob.Emit(ctx, bigEvent(2, 16<<10)); !errors.Is(err, outbox.ErrMessageTooLarge) {
		t.Fatalf("Emit above the server's max_payload = %v, want ErrMessageTooLarge", err)
	}
	if err := ob.Emit(ctx, bigEvent(3, 100)); err != nil {
		t.Fatalf("Emit of a small event: %v", err)
	}
	if n, err := ob.Len(); err != nil || n != 2 {
		t.Fatalf("Len = %d, %v; want 2", n, err)
	}
}
