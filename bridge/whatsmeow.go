package bridge

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"

	// The pure-Go SQLite driver (registers "sqlite"), so no cgo is needed.
	_ "modernc.org/sqlite"
)

// ClientFactory makes the Client of a session over its device store. The
// Manager calls it at start and again whenever a session gets a fresh device
// (after a logout).
type ClientFactory func(session string, dev *store.Device, log waLog.Logger) Client

// WhatsmeowFactory makes real whatsmeow clients, set up so that WhatsApp is
// acknowledged only after our handler kept an event (SynchronousAck with the
// decrypted-event buffer) and connections come back by themselves.
func WhatsmeowFactory() ClientFactory {
	return func(_ string, dev *store.Device, log waLog.Logger) Client {
		cli := whatsmeow.NewClient(dev, log)
		cli.SynchronousAck = true
		cli.EnableDecryptedEventBuffer = true
		cli.EnableAutoReconnect = true
		cli.InitialAutoReconnect = true
		return cli
	}
}

// DeviceDBFile is the SQLite file of whatsmeow's device store inside the data
// directory.
const DeviceDBFile = "whatsmeow.db"

// OpenDeviceStore opens (creating and upgrading if needed) whatsmeow's device
// store on SQLite in dataDir.
func OpenDeviceStore(ctx context.Context, dataDir string, log *slog.Logger) (*sqlstore.Container, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	path := filepath.ToSlash(filepath.Join(dataDir, DeviceDBFile))
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"
	container, err := sqlstore.New(ctx, "sqlite", dsn, NewWALogger(log).Sub("sqlstore"))
	if err != nil {
		return nil, fmt.Errorf("opening whatsmeow device store: %w", err)
	}
	return container, nil
}
