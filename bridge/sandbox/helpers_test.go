package sandbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	_ "modernc.org/sqlite"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// waitFor bounds every wait in these tests, so a broken sandbox fails the
// test instead of hanging the suite. It is not a timing assertion.
const waitFor = 10 * time.Second

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// newContainer is a real whatsmeow device store on SQLite in a temp dir.
func newContainer(t testing.TB) *sqlstore.Container {
	t.Helper()
	dsn := fmt.Sprintf("file:%s?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)",
		filepath.Join(t.TempDir(), "wa.db"))
	c, err := sqlstore.New(context.Background(), "sqlite", dsn, nil)
	if err != nil {
		t.Fatalf("opening sqlstore: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// recorder is an event handler that keeps what it saw and can refuse to
// acknowledge the first few messages.
type recorder struct {
	mu     sync.Mutex
	events []any
	refuse int // how many *events.Message to refuse before acknowledging
	ch     chan any
}

func newRecorder() *recorder { return &recorder{ch: make(chan any, 128)} }

func (r *recorder) handle(evt any) bool {
	r.mu.Lock()
	r.events = append(r.events, evt)
	ok := true
	if _, isMsg := evt.(*events.Message); isMsg && r.refuse > 0 {
		r.refuse--
		ok = false
	}
	r.mu.Unlock()
	r.ch <- evt
	return ok
}

func (r *recorder) seen() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.events...)
}

// next waits for the next event of type T, skipping others.
func next[T any](t *testing.T, r *recorder) T {
	t.Helper()
	timer := time.NewTimer(waitFor)
	defer timer.Stop()
	for {
		select {
		case evt := <-r.ch:
			if v, ok := evt.(T); ok {
				return v
			}
		case <-timer.C:
			var zero T
			t.Fatalf("no %T event arrived", zero)
			return zero
		}
	}
}

// nextItem waits for the next QR channel item.
func nextItem(t *testing.T, ch <-chan whatsmeow.QRChannelItem) (whatsmeow.QRChannelItem, bool) {
	t.Helper()
	select {
	case item, ok := <-ch:
		return item, ok
	case <-time.After(waitFor):
		t.Fatal("no QR channel item arrived")
		return whatsmeow.QRChannelItem{}, false
	}
}

// fixture is a network with one session's client on a fresh device.
type fixture struct {
	net       *sandbox.Network
	container *sqlstore.Container
	dev       *store.Device
	cli       *sandbox.Client
	rec       *recorder
}

func newFixture(t *testing.T, cfg sandbox.Config) *fixture {
	t.Helper()
	f := &fixture{net: sandbox.NewNetwork(cfg), container: newContainer(t), rec: newRecorder()}
	f.dev = f.container.NewDevice()
	f.cli = f.net.NewClient("default", f.dev, nil)
	f.cli.AddEventHandlerWithSuccessStatus(f.rec.handle)
	return f
}

// login runs a QR login to completion and returns the account's JID.
func (f *fixture) login(t *testing.T, phone string) types.JID {
	t.Helper()
	ctx := testCtx(t)
	if err := f.cli.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	next[*events.QR](t, f.rec)
	jid, err := f.net.Scan(ctx, "default", phone)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	next[*events.Connected](t, f.rec)
	return jid
}
