package sandbox

import (
	"context"
	"fmt"
	"sync"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
)

var _ bridge.Client = (*Client)(nil)

// Client is one session's connection to the sandbox network. Its methods
// behave as *whatsmeow.Client's do; where whatsmeow talks to the WhatsApp
// servers, it talks to its Network.
type Client struct {
	// Commands the sandbox does not simulate yet answer ErrUnsupported.
	bridge.UnsupportedClient

	net     *Network
	session string
	log     waLog.Logger
	events  *dispatcher

	// mu guards the fields below and every access to dev's fields made here.
	mu        sync.Mutex
	dev       *store.Device
	connected bool
	// loggedIn mirrors whatsmeow's flag: set when the server accepted the
	// login, and — as in whatsmeow — not cleared by Disconnect or Logout.
	loggedIn bool
	// login is the pairing in progress on the current connection (nil when
	// the device is paired or the client is disconnected).
	login *pairing
	// watch is the connection's presence subscriptions (presence_subscribe.go).
	watch presenceWatch
}

// pairing is a login the server is waiting for a phone to complete.
type pairing struct {
	// phone is set once PairPhone asked for a code for that number.
	phone string
	code  string
}

// Connect connects to the network. A paired device logs in and gets
// *events.Connected; an unpaired one gets *events.QR with the codes to show.
func (c *Client) Connect() error {
	c.mu.Lock()
	if c.connected {
		c.mu.Unlock()
		return whatsmeow.ErrAlreadyConnected
	}
	c.connected = true
	c.watch.reset() // a new connection has no presence subscriptions
	paired := c.dev.ID != nil
	var qr *events.QR
	if !paired {
		c.login = &pairing{}
		qr = &events.QR{Codes: qrCodes(c.dev)}
	}
	c.mu.Unlock()

	if !paired {
		c.log.Debugf("Connected without a device JID, sending %d QR codes", len(qr.Codes))
		c.events.enqueue(delivery{evt: qr})
		return nil
	}
	c.events.enqueue(delivery{evt: &events.Connected{}, prepare: c.acceptLogin})
	c.net.deliverOffline(c) // what WhatsApp queued meanwhile, after Connected
	return nil
}

// acceptLogin marks the connection logged in, as whatsmeow does right
// before dispatching Connected; a connection closed meanwhile gets nothing.
func (c *Client) acceptLogin() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.connected || c.dev.ID == nil {
		return false
	}
	c.loggedIn = true
	return true
}

// Disconnect closes the connection. Like whatsmeow's, it emits no event:
// Disconnected is only for connections the server or the network closed.
func (c *Client) Disconnect() {
	c.mu.Lock()
	c.connected = false
	c.login = nil
	c.mu.Unlock()
}

// IsConnected reports whether the client is connected to the network.
func (c *Client) IsConnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected
}

// IsLoggedIn reports whether the network accepted the client's login.
func (c *Client) IsLoggedIn() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loggedIn
}

// Logout unlinks the device, disconnects and deletes the device from the
// store, emitting no event (LoggedOut is for logouts made elsewhere). If the
// unlink request fails, nothing else happens, as in whatsmeow.
func (c *Client) Logout(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev.ID == nil {
		return whatsmeow.ErrNotLoggedIn
	}
	if !c.connected {
		return fmt.Errorf("error sending logout request: %w", whatsmeow.ErrNotConnected)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("error sending logout request: %w", err)
	}
	c.connected = false
	c.login = nil
	if err := c.dev.Delete(ctx); err != nil {
		return fmt.Errorf("error deleting data from store: %w", err)
	}
	return nil
}

// AddEventHandlerWithSuccessStatus registers a handler for every event of
// this client. A handler returning false leaves an incoming message
// unacknowledged, so the network delivers it again.
func (c *Client) AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	return c.events.add(handler)
}

// RemoveEventHandler removes a handler; it reports whether it was found.
// Unlike whatsmeow's, it may be called from inside a handler.
func (c *Client) RemoveEventHandler(id uint32) bool {
	return c.events.remove(id)
}

// ownID is the device's JID, empty when not paired.
func (c *Client) ownID() types.JID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dev.GetJID()
}
