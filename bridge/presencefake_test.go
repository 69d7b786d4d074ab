package bridge_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/safebuf"
	istore "github.com/wabridge/wabridge/internal/store"
)

// presenceFake is the tests' fake client plus the presence and call
// calls, recorded as whatsmeow would receive them.
type presenceFake struct {
	*fakeClient

	mu    sync.Mutex
	calls []string
	err   error
	// rejected is signalled on every RejectCall: rejecting runs in the
	// background.
	rejected chan string
}

func (f *presenceFake) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.calls = append(f.calls, call)
	return nil
}

func (f *presenceFake) SendPresence(_ context.Context, state types.Presence) error {
	return f.record(fmt.Sprintf("presence %q", state))
}

func (f *presenceFake) SendChatPresence(_ context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error {
	return f.record(fmt.Sprintf("chat %s %q %q", jid, state, media))
}

func (f *presenceFake) RejectCall(_ context.Context, from types.JID, callID string) error {
	err := f.record(fmt.Sprintf("reject %s %s", from, callID))
	f.rejected <- callID
	return err
}

func (f *presenceFake) presenceCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *presenceFake) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// presenceEnv is newEnv whose clients are presenceFakes, with the
// Manager's configuration adjusted by change; it returns the default
// session's, logged in and connected.
func presenceEnv(t *testing.T, change func(*bridgeConfig)) (*env, *presenceFake) {
	t.Helper()
	dir := t.TempDir()
	db, err := istore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	devices, err := bridge.OpenDeviceStore(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = devices.Close() })
	e := &env{t: t, db: db, devices: devices, sink: newRecordingSink(t, db), fakes: newFakes(), qrOut: &safebuf.Buffer{}}
	var mu sync.Mutex
	var last *presenceFake
	e.startWith(func(c *bridgeConfig) {
		base := c.NewClient
		c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			f := &presenceFake{fakeClient: base(session, dev, log).(*fakeClient), rejected: make(chan string, 8)}
			mu.Lock()
			last = f
			mu.Unlock()
			return f
		}
		if change != nil {
			change(c)
		}
	}, "default")
	e.loggedInConnected("default")
	mu.Lock()
	defer mu.Unlock()
	return e, last
}
