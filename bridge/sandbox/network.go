package sandbox

import (
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/internal/werr"
)

// Defaults of Config.
const (
	DefaultOutboxSize         = 10000
	DefaultRedeliveryAttempts = 8
	DefaultRedeliveryBackoff  = 200 * time.Millisecond
	maxRedeliveryBackoff      = 5 * time.Second
)

// Config configures a Network. The zero value is usable.
type Config struct {
	Log *slog.Logger
	// NotOnWhatsApp are phone numbers (digits, or JIDs) that are not WhatsApp
	// users, besides the magic numbers starting with NotOnWhatsAppPrefix;
	// every other well-formed number is one.
	NotOnWhatsApp []string
	// QRTimeout is how long each QR code stays valid. Zero means WhatsApp's
	// own timing: 60 s for the first code, 20 s for each of the five others.
	QRTimeout time.Duration
	// RedeliveryAttempts bounds how often an inbound message a handler did
	// not acknowledge is delivered (WhatsApp redelivers unacked messages).
	RedeliveryAttempts int
	// RedeliveryBackoff is the wait before the first redelivery; it doubles
	// after each attempt, up to 5 s.
	RedeliveryBackoff time.Duration
	// OutboxSize bounds the outbox; the oldest deliveries are dropped first.
	OutboxSize int
	// SlowAck is how long a send to a number starting with SlowPrefix
	// waits for WhatsApp's acknowledgement; zero means DefaultSlowAck.
	SlowAck time.Duration
	// DisableReceipts stops virtual contacts from acknowledging what they
	// receive (by default they send a delivered and then a read receipt).
	DisableReceipts bool
}

func (c *Config) setDefaults() {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.RedeliveryAttempts <= 0 {
		c.RedeliveryAttempts = DefaultRedeliveryAttempts
	}
	if c.RedeliveryBackoff <= 0 {
		c.RedeliveryBackoff = DefaultRedeliveryBackoff
	}
	if c.OutboxSize <= 0 {
		c.OutboxSize = DefaultOutboxSize
	}
	if c.SlowAck <= 0 {
		c.SlowAck = DefaultSlowAck
	}
}

// Network is one simulated WhatsApp network: the sessions' clients, the
// virtual contacts and groups around them, and what they received.
type Network struct {
	cfg   Config
	log   *slog.Logger
	notOn map[string]struct{}

	mu      sync.Mutex
	clients map[string]*Client
	// lidPN remembers which phone number each fake LID was derived from, so
	// a message from a LID can carry the phone number as its alternative.
	lidPN     map[string]string
	outbox    *ring
	clock     clock            // the network's time (clock.go)
	inbox     inbox            // what contacts sent, for their reactions, edits, revokes (inbound_actions.go)
	groups    groupBook        // the virtual groups (groups.go)
	blobs     blobStore        // uploaded media, encrypted, as WhatsApp's CDN keeps them (media_blobs.go)
	media     inboundMedia     // contacts' media: its source, what their phones keep (inbound_media.go)
	presences contactPresences // contacts' last presence (presence_subscribe.go)
	offline   offlineQueues    // what offline member devices get when they connect (offline.go)
}

// NewNetwork returns an empty network.
func NewNetwork(cfg Config) *Network {
	cfg.setDefaults()
	notOn := make(map[string]struct{}, len(cfg.NotOnWhatsApp))
	for _, p := range cfg.NotOnWhatsApp {
		if jid, err := parseUser(p); err == nil {
			notOn[jid.User] = struct{}{}
		} else {
			cfg.Log.Warn("sandbox: ignoring malformed NotOnWhatsApp number", "number", p, "err", err)
		}
	}
	return &Network{
		cfg:     cfg,
		log:     cfg.Log,
		notOn:   notOn,
		clients: make(map[string]*Client),
		lidPN:   make(map[string]string),
		outbox:  newRing(cfg.OutboxSize),
	}
}

// NewClient returns a client of this network for the session's device and
// registers it under the session name. A later NewClient for the same
// session replaces it (as after a logout): Scan and Inbound then reach the
// new client only. dev must not be nil, as for whatsmeow.NewClient.
func (n *Network) NewClient(session string, dev *store.Device, log waLog.Logger) *Client {
	if dev == nil {
		panic("sandbox: NewClient needs a device store")
	}
	if log == nil {
		log = waLog.Noop
	}
	c := &Client{
		net:     n,
		session: session,
		dev:     dev,
		log:     log,
	}
	c.events = newDispatcher(log.Sub("Events"))
	n.mu.Lock()
	n.clients[session] = c
	n.mu.Unlock()
	return c
}

// client returns the session's current client.
func (n *Network) client(session string) (*Client, error) {
	n.mu.Lock()
	c := n.clients[session]
	n.mu.Unlock()
	if c == nil {
		return nil, werr.New(werr.KindNotFound, werr.CodeSessionNotFound,
			"session %q has no client on the sandbox network", session)
	}
	return c, nil
}

// isUser reports whether a phone-number JID is a WhatsApp user here: not a
// magic number without WhatsApp, nor one configured as such.
func (n *Network) isUser(jid types.JID) bool {
	if jid.Server != types.DefaultUserServer {
		return true
	}
	if phoneWithPrefix(jid, NotOnWhatsAppPrefix) {
		return false
	}
	_, missing := n.notOn[jid.User]
	return !missing
}

// lidFor returns the fake LID of a phone number and remembers the pair.
func (n *Network) lidFor(phone string) types.JID {
	lid := fakeLID(phone)
	n.mu.Lock()
	n.lidPN[lid] = phone
	n.mu.Unlock()
	return types.NewJID(lid, types.HiddenUserServer)
}

// pnFor returns the phone-number JID behind a LID, if the network knows it.
func (n *Network) pnFor(lid types.JID) types.JID {
	n.mu.Lock()
	pn, ok := n.lidPN[lid.User]
	n.mu.Unlock()
	if !ok {
		return types.EmptyJID
	}
	return types.NewJID(pn, types.DefaultUserServer)
}

// deviceNumber picks the companion device number for a new login of the
// session on phone: derived from the session name, so the same session gets
// the same JID again, and unique among the network's clients of that phone.
func (n *Network) deviceNumber(session, phone string) uint16 {
	n.mu.Lock()
	defer n.mu.Unlock()
	taken := make(map[uint16]bool)
	for name, c := range n.clients {
		if name == session {
			continue
		}
		if id := c.ownID(); id.User == phone {
			taken[id.Device] = true
		}
	}
	dev := sessionDevice(session)
	for taken[dev] {
		dev = dev%99 + 1
	}
	return dev
}

// Outbox returns what virtual contacts received, oldest first.
func (n *Network) Outbox() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.outbox.items()
}

// ResetOutbox forgets every delivery.
func (n *Network) ResetOutbox() {
	n.mu.Lock()
	n.outbox.reset()
	n.mu.Unlock()
}

func (n *Network) record(d Delivery) {
	n.mu.Lock()
	n.outbox.add(d)
	n.mu.Unlock()
}
