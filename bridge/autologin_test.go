package bridge_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

// unreachableFirst is a fake whose first QR channel ends before any code,
// as whatsmeow's does when WhatsApp cannot be reached.
type unreachableFirst struct {
	*fakeClient
	mu       sync.Mutex
	channels int
}

func (u *unreachableFirst) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	u.mu.Lock()
	u.channels++
	first := u.channels == 1
	u.mu.Unlock()
	if !first {
		return u.fakeClient.GetQRChannel(ctx)
	}
	ch := make(chan whatsmeow.QRChannelItem, 1)
	ch <- whatsmeow.QRChannelTimeout
	close(ch)
	return ch, nil
}

// TestAutoLoginRetriesUntilACodeShows: with AutoLogin, a session without a
// device begins a QR login at Start by itself; a first attempt that fails
// with NOT_CONNECTED (the connect refused, or the QR channel ending before
// its first code) is tried again, and the code then shows on the terminal
// writer and as a session.qr event.
func TestAutoLoginRetriesUntilACodeShows(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(*fakeClient) bridge.Client
	}{
		{"connect fails", func(c *fakeClient) bridge.Client {
			c.connectErrs = []error{whatsmeow.ErrNotConnected}
			return c
		}},
		{"channel ends before a code", func(c *fakeClient) bridge.Client {
			return &unreachableFirst{fakeClient: c}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.mgr.Close()
			inner := e.fakes.factory()
			e.startWith(func(c *bridgeConfig) {
				c.AutoLogin = true
				c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
					fc := inner(session, dev, log).(*fakeClient)
					fc.qrScript = []whatsmeow.QRChannelItem{code("2@auto-code", time.Minute)}
					return tc.wrap(fc)
				}
			})
			// The event is kept before the code is drawn.
			waitFor(t, "the automatic login's code on the terminal", func() bool {
				return strings.Contains(e.qrOut.String(), `session "default"`)
			})
			qrs := e.sink.ofType(events.TypeSessionQR)
			if len(qrs) != 1 {
				t.Fatalf("%d session.qr events, want 1", len(qrs))
			}
			if qr := qrs[0].Data.(events.SessionState); qr.QRCode != "2@auto-code" {
				t.Fatalf("session.qr data %+v, want the scripted code", qr)
			}
			c := e.fakes.last("default")
			c.mu.Lock()
			connects := c.connects
			c.mu.Unlock()
			if connects != 2 {
				t.Fatalf("%d connects, want the failed attempt and the one that showed the code", connects)
			}
		})
	}
}

// TestAutoLoginStopsOnClose: Close ends an automatic login waiting to try
// again (here for an hour) and awaits it.
func TestAutoLoginStopsOnClose(t *testing.T) {
	e := newEnv(t)
	e.mgr.Close()
	e.fakes.prepare = func(c *fakeClient) { c.connectErrs = []error{whatsmeow.ErrNotConnected, whatsmeow.ErrNotConnected} }
	e.startWith(func(c *bridgeConfig) {
		c.AutoLogin = true
		c.ConnectBackoff, c.MaxConnectBackoff = time.Hour, time.Hour
	})
	c := e.fakes.last("default")
	waitFor(t, "the first automatic login attempt", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.connects == 1
	})
	closed := make(chan struct{})
	go func() {
		e.mgr.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second): // stops a broken test only
		t.Fatal("Close did not end the automatic login's wait")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.connects != 1 {
		t.Fatalf("%d connects, want only the first attempt", c.connects)
	}
}

// TestAutoLoginSkipsLoggedInSessions: a session with a device connects and
// begins no login.
func TestAutoLoginSkipsLoggedInSessions(t *testing.T) {
	e := newEnv(t)
	e.pair("default")
	e.mgr.Close()
	e.startWith(func(c *bridgeConfig) { c.AutoLogin = true })
	c := e.fakes.last("default")
	select {
	case <-c.connectedCh:
	case <-time.After(10 * time.Second): // stops a broken test only
		t.Fatal("the logged-in session did not connect")
	}
	e.mgr.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.qrChannels != 0 {
		t.Fatalf("%d QR channels opened for a logged-in session", c.qrChannels)
	}
}
