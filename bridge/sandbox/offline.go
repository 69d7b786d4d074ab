package sandbox

import (
	"encoding/hex"
	"sync"
)

// offlineQueueSize bounds what the network keeps for one offline device.
// WhatsApp's offline queue is bounded too (its servers keep a device's
// pending stanzas for a while, not without end); past the bound the oldest
// go first, as the outbox drops its oldest.
const offlineQueueSize = 1000

// offlineQueues keeps, per paired device that is not connected, the group
// notifications and group messages sent to it meanwhile, as WhatsApp's
// servers do; Connect hands them to the client's handlers right after
// *events.Connected, in the order they happened.
//
// Whether an item goes to the client's dispatcher or to its queue is
// decided under mu, and Connect drains the queue under mu once it is
// connected: so an item sent while a drain is pending joins the queue, and
// none overtakes an older one.
type offlineQueues struct {
	mu       sync.Mutex
	byDevice map[string]*offlineQueue // by device JID (with its device part)
}

type offlineQueue struct {
	// identity is the device's identity key: a device JID paired again
	// (same session, same number) is a new device, whose queue starts
	// empty.
	identity string
	items    []delivery
	dropped  int // oldest items dropped at the bound since the last drain
}

// memberDevice is how c appears to the network as a member device.
type memberDevice struct {
	jid, identity string
	paired        bool
	// connected: what is sent to it now is dispatched now (after a
	// pending *events.Connected, which logs it in).
	connected bool
}

func (c *Client) memberDevice() memberDevice {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev.ID == nil {
		return memberDevice{}
	}
	d := memberDevice{jid: c.dev.ID.String(), paired: true, connected: c.connected}
	if c.dev.IdentityKey != nil {
		d.identity = hex.EncodeToString(c.dev.IdentityKey.Pub[:])
	}
	return d
}

// toMember delivers item to member device c: at once when c is connected
// and nothing older waits for it, else into c's offline queue. Devices not
// paired get nothing: they are no member's device.
func (n *Network) toMember(c *Client, item delivery) {
	dev := c.memberDevice()
	if !dev.paired {
		return
	}
	q := &n.offline
	q.mu.Lock()
	defer q.mu.Unlock()
	cur := q.current(dev)
	if dev.connected && (cur == nil || len(cur.items) == 0) {
		c.events.enqueue(item)
		return
	}
	if cur == nil {
		if q.byDevice == nil {
			q.byDevice = make(map[string]*offlineQueue)
		}
		cur = &offlineQueue{identity: dev.identity}
		q.byDevice[dev.jid] = cur
	}
	if len(cur.items) == offlineQueueSize {
		cur.items[0] = delivery{} // let the dropped event go
		cur.items = cur.items[1:]
		cur.dropped++
	}
	cur.items = append(cur.items, item)
}

// current is dev's queue, nil when it has none; a queue left by an earlier
// device of the same JID is discarded. Called with mu held.
func (q *offlineQueues) current(dev memberDevice) *offlineQueue {
	cur := q.byDevice[dev.jid]
	if cur != nil && cur.identity != dev.identity {
		delete(q.byDevice, dev.jid)
		return nil
	}
	return cur
}

// deliverOffline hands c what was queued for it while it was offline, in
// order, behind what its dispatcher holds (Connect's *events.Connected).
// It is called once c is connected.
func (n *Network) deliverOffline(c *Client) {
	dev := c.memberDevice()
	if !dev.paired || !dev.connected {
		return
	}
	q := &n.offline
	q.mu.Lock()
	defer q.mu.Unlock()
	cur := q.current(dev)
	if cur == nil {
		return
	}
	delete(q.byDevice, dev.jid)
	if cur.dropped > 0 {
		c.log.Warnf("%d events sent while offline were dropped: more than %d waited", cur.dropped, offlineQueueSize)
	}
	for _, item := range cur.items {
		c.events.enqueue(item)
	}
}
