package bridge_test

import (
	"sync"
	"testing"

	"go.mau.fi/whatsmeow/store"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
)

// wrappedEnv is newEnv whose clients are the recording fakes wrapped by
// wrap (a fake with more of whatsmeow's methods), with the Manager's
// configuration adjusted by change (nil: as it is); it returns the default
// session's wrapped client, logged in and connected.
func wrappedEnv[F bridge.Client](t *testing.T, wrap func(*fakeClient) F, change func(*bridgeConfig)) (*env, F) {
	t.Helper()
	e := openEnv(t)
	var mu sync.Mutex
	var last F
	e.startWith(func(c *bridgeConfig) {
		base := c.NewClient
		c.NewClient = func(session string, dev *store.Device, log waLog.Logger) bridge.Client {
			f := wrap(base(session, dev, log).(*fakeClient))
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
