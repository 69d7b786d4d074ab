package bridge_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/bridge"
)

// TestWhatsmeowFactoryAcksOnlyAfterHandlers checks the real client is set up
// for the delivery guarantee: acks after our handlers (SynchronousAck with
// the decrypted-event buffer) and reconnecting by itself.
func TestWhatsmeowFactoryAcksOnlyAfterHandlers(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	container, err := bridge.OpenDeviceStore(context.Background(), dir, log)
	if err != nil {
		t.Fatal(err)
	}
	defer container.Close()
	if _, err := os.Stat(filepath.Join(dir, bridge.DeviceDBFile)); err != nil {
		t.Fatalf("device store file: %v", err)
	}
	c := bridge.WhatsmeowFactory()("default", container.NewDevice(), bridge.NewWALogger(log))
	cli, ok := c.(*whatsmeow.Client)
	if !ok {
		t.Fatalf("factory made %T, want *whatsmeow.Client", c)
	}
	if !cli.SynchronousAck || !cli.EnableDecryptedEventBuffer {
		t.Error("client acks before our handlers returned")
	}
	if !cli.EnableAutoReconnect || !cli.InitialAutoReconnect {
		t.Error("client does not reconnect by itself")
	}
	if cli.IsLoggedIn() || cli.IsConnected() {
		t.Error("a new device is neither logged in nor connected")
	}
	id := cli.AddEventHandlerWithSuccessStatus(func(any) bool { return true })
	if !cli.RemoveEventHandler(id) {
		t.Error("handler registered through the port is not removable")
	}
}
