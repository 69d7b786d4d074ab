package sandbox

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/keys"
)

// pairedOffline is a client of n whose device is paired and which is not
// connected, with a handler that passes on every event.
func pairedOffline(n *Network, identity *keys.KeyPair) (*Client, chan any) {
	jid := types.JID{User: "4917600000009", Server: types.DefaultUserServer, Device: 7}
	c := n.NewClient("s", &store.Device{ID: &jid, IdentityKey: identity}, nil)
	got := make(chan any, offlineQueueSize+8)
	c.AddEventHandlerWithSuccessStatus(func(evt any) bool { got <- evt; return true })
	return c, got
}

func receive(t *testing.T, got chan any) any {
	t.Helper()
	select {
	case e := <-got:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
		return nil
	}
}

// The offline queue is bounded: past offlineQueueSize its oldest items go,
// and the rest arrive in order.
func TestOfflineQueueKeepsTheNewest(t *testing.T) {
	n := NewNetwork(Config{})
	c, got := pairedOffline(n, keys.NewKeyPair())
	const extra = 5
	for i := range offlineQueueSize + extra {
		n.toMember(c, delivery{evt: i})
	}
	if err := c.Connect(); err != nil {
		t.Fatal(err)
	}
	if _, ok := receive(t, got).(*events.Connected); !ok {
		t.Fatal("Connected did not come first")
	}
	for want := extra; want < offlineQueueSize+extra; want++ {
		if e := receive(t, got); e != want {
			t.Fatalf("got %v, want %d", e, want)
		}
	}
	c.Disconnect()
	if err := c.Connect(); err != nil {
		t.Fatal(err)
	}
	if _, ok := receive(t, got).(*events.Connected); !ok {
		t.Fatal("a second reconnect got the queue again")
	}
}

// A device paired again under the same JID (new identity keys) is a new
// device: what was queued for the one before is not its.
func TestOfflineQueueIsTheDevicesOwn(t *testing.T) {
	n := NewNetwork(Config{})
	old, _ := pairedOffline(n, keys.NewKeyPair())
	n.toMember(old, delivery{evt: "for the old device"})
	c, got := pairedOffline(n, keys.NewKeyPair())
	if err := c.Connect(); err != nil {
		t.Fatal(err)
	}
	if _, ok := receive(t, got).(*events.Connected); !ok {
		t.Fatal("Connected did not come first")
	}
	n.toMember(c, delivery{evt: "live"})
	if e := receive(t, got); e != "live" {
		t.Fatalf("the new device got %v", e)
	}
}
