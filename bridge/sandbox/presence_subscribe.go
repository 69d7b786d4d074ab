package sandbox

import (
	"context"
	"sync"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// presenceWatch is what the network's server knows of one connection's
// interest in presence: whether the client said it is available, and
// which contacts it subscribed to. Both belong to the connection, as on
// WhatsApp: Connect starts with neither.
type presenceWatch struct {
	mu        sync.Mutex
	available bool
	subs      map[string]bool // contacts' keys (contactKey)
}

func (w *presenceWatch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.available, w.subs = false, nil
}

func (w *presenceWatch) setAvailable(available bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.available = available
}

func (w *presenceWatch) subscribe(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.subs == nil {
		w.subs = map[string]bool{}
	}
	w.subs[key] = true
}

// wants reports whether the server sends the contact's presence to this
// connection: subscribed to, and available itself.
func (w *presenceWatch) wants(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.available && w.subs[key]
}

// contactPresences is each virtual contact's last presence, which the
// server sends to a new subscriber at once.
type contactPresences struct {
	mu   sync.Mutex
	last map[string]events.Presence
}

func (p *contactPresences) keep(key string, evt events.Presence) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[string]events.Presence{}
	}
	p.last[key] = evt
}

func (p *contactPresences) of(key string) (events.Presence, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	evt, ok := p.last[key]
	return evt, ok
}

// contactKey names a contact whichever way it is addressed: a LID whose
// phone number the network knows is that number.
func (n *Network) contactKey(jid types.JID) string {
	jid = jid.ToNonAD()
	if jid.Server == types.HiddenUserServer {
		if pn := n.pnFor(jid); !pn.IsEmpty() {
			return pn.User
		}
		return jid.String()
	}
	return jid.User
}

// SubscribePresence subscribes the connection to a contact's presence.
// The server answers with the contact's current presence when it knows
// one and the client is available; it is queued, not awaited, as
// whatsmeow hands it to the handlers after the call returned.
func (c *Client) SubscribePresence(ctx context.Context, jid types.JID) error {
	if err := c.signalReady(ctx, "presence subscription to "+jid.String()); err != nil {
		return err
	}
	key := c.net.contactKey(jid)
	c.watch.subscribe(key)
	if evt, ok := c.net.presences.of(key); ok && c.watch.wants(key) {
		c.events.enqueue(delivery{evt: &evt})
	}
	return nil
}

// contactPresence keeps a contact's new presence and reports whether the
// server sends it to c.
func (n *Network) contactPresence(c *Client, evt *events.Presence) bool {
	key := n.contactKey(evt.From)
	n.presences.keep(key, *evt)
	return c.watch.wants(key)
}
