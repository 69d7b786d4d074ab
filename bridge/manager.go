package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	istore "github.com/wabridge/wabridge/internal/store"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// DefaultSession is the session used when none is named (CONTRACT §1).
const DefaultSession = ident.DefaultSession

// ManagerConfig is what a Manager needs.
type ManagerConfig struct {
	Devices   *sqlstore.Container // whatsmeow's device store
	DB        *istore.DB          // the data directory's bbolt file
	Sink      events.Sink         // where WhatsApp events go
	NewClient ClientFactory       // WhatsmeowFactory() in production
	Log       *slog.Logger
	// QRWriter gets each login QR code drawn as terminal blocks; nil prints
	// nothing.
	QRWriter io.Writer
	// PairClientName is the "Browser (OS)" name shown on the phone for a
	// pairing-code login; WhatsApp accepts only common browsers and systems.
	PairClientName string
	// ConnectBackoff is the first delay between attempts to connect a logged-in
	// session at start, and between automatic logins while WhatsApp cannot be
	// reached; it doubles up to MaxConnectBackoff.
	ConnectBackoff    time.Duration
	MaxConnectBackoff time.Duration
	// AutoLogin begins a QR login for every session without a linked device
	// as soon as Start opens it, so the first code appears (on QRWriter, and
	// as a session.qr event) without a call. While WhatsApp cannot be
	// reached it tries again with the connect backoff.
	AutoLogin bool
	// Fetch guards what link previews fetch (public addresses only unless
	// Fetch.Allow says otherwise); the zero value is fetch's defaults.
	Fetch fetch.Config
	// MessageRetention is how long the message index keeps a message (for
	// replies, edits and revokes to find it): pruned at start, then hourly.
	// Zero keeps messages forever.
	MessageRetention time.Duration
	// EmitRetry bounds how long a handler keeps trying to keep a WhatsApp
	// event (the outbox failing) before it gives up; the session then
	// reconnects so that WhatsApp redelivers it. Default 30 s.
	EmitRetry time.Duration
	// EmitBackoff is the first wait between those attempts; it doubles up
	// to 5 s. Default 100 ms.
	EmitBackoff time.Duration
	// RejectCalls rejects every incoming call (after its call.offer is
	// kept) and, when RejectCallMessage is set, answers the caller with it.
	RejectCalls       bool
	RejectCallMessage string
	// PresenceSubscriptions bounds how many contacts (the one-to-one chats
	// last written to or heard from) a session subscribes to for their
	// presence.updated; 0 means DefaultPresenceSubscriptions, negative none.
	PresenceSubscriptions int
	// Media resolves the media field of sends (data: URL, http(s) URL,
	// nats-object:// reference); nil refuses media sends with NOT_SUPPORTED.
	Media MediaSource
	// MediaLimits bounds each kind's input; the zero value is
	// media.DefaultLimits.
	MediaLimits media.Limits
	// MediaPrep is where media preparation writes temporary files and which
	// ffmpeg it runs.
	MediaPrep media.Config
}

func (c *ManagerConfig) setDefaults() {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.PairClientName == "" {
		c.PairClientName = "Chrome (Linux)"
	}
	if c.ConnectBackoff <= 0 {
		c.ConnectBackoff = 2 * time.Second
	}
	if c.MaxConnectBackoff < c.ConnectBackoff {
		c.MaxConnectBackoff = max(2*time.Minute, c.ConnectBackoff)
	}
	if c.EmitRetry <= 0 {
		c.EmitRetry = 30 * time.Second
	}
	if c.EmitBackoff <= 0 {
		c.EmitBackoff = 100 * time.Millisecond
	}
	if c.PresenceSubscriptions == 0 {
		c.PresenceSubscriptions = DefaultPresenceSubscriptions
	}
	if c.MediaLimits == (media.Limits{}) {
		c.MediaLimits = media.DefaultLimits()
	}
}

// Validate reports every missing dependency.
func (c ManagerConfig) Validate() error {
	var errs []error
	if c.Devices == nil {
		errs = append(errs, errors.New("bridge: ManagerConfig.Devices is required"))
	}
	if c.DB == nil {
		errs = append(errs, errors.New("bridge: ManagerConfig.DB is required"))
	}
	if c.Sink == nil {
		errs = append(errs, errors.New("bridge: ManagerConfig.Sink is required"))
	}
	if c.NewClient == nil {
		errs = append(errs, errors.New("bridge: ManagerConfig.NewClient is required"))
	}
	if c.MessageRetention < 0 {
		errs = append(errs, fmt.Errorf("bridge: ManagerConfig.MessageRetention %s is negative (0 keeps messages forever)", c.MessageRetention))
	}
	return errors.Join(errs...)
}

// Manager owns the sessions of this process.
type Manager struct {
	deps  *deps
	ready atomic.Bool
	// pruning starts the pruning loop at the first Start.
	pruning sync.Once

	mu       sync.Mutex
	sessions map[string]*Session
}

// NewManager checks cfg and opens the bbolt buckets the bridge owns.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dir, err := newDirectory(cfg.DB)
	if err != nil {
		return nil, err
	}
	index, err := NewMessageIndex(cfg.DB)
	if err != nil {
		return nil, err
	}
	preview, err := newPreviewer(cfg.Fetch)
	if err != nil {
		return nil, fmt.Errorf("bridge: ManagerConfig.Fetch: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &deps{
		cfg: cfg, dir: dir, index: index, ctx: ctx, cancel: cancel, preview: preview,
		qr: newQRPrinter(cfg.QRWriter),
	}
	return &Manager{deps: d, sessions: map[string]*Session{}}, nil
}

// Start opens the named sessions (DefaultSession when none is named) and
// connects those already logged in; with AutoLogin the others begin a QR
// login. Both run in the background with retries, so an unreachable
// WhatsApp does not hold up the start. The first Start also begins pruning
// the message index (MessageRetention). Start may be called again to add
// sessions; open ones are left as they are. Close awaits all of it.
func (m *Manager) Start(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		names = []string{DefaultSession}
	}
	for _, name := range names {
		if !ident.ValidSession(name) {
			return werr.Invalid(werr.CodeInvalidSession, "session name %q must match %s", ident.Clip(name, 40), ident.SessionPattern)
		}
	}
	for _, name := range names {
		if err := m.open(ctx, name); err != nil {
			return err
		}
	}
	if m.deps.cfg.MessageRetention > 0 {
		m.pruning.Do(func() { m.deps.tasks.run(m.deps.ctx, m.pruneLoop) })
	}
	m.ready.Store(true)
	return nil
}

func (m *Manager) open(ctx context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.deps.ctx.Err() != nil {
		return errors.New("bridge: manager is closed")
	}
	if _, ok := m.sessions[name]; ok {
		return nil
	}
	dev, err := m.loadDevice(ctx, name)
	if err != nil {
		return err
	}
	s, err := newSession(name, m.deps)
	if err != nil {
		return err
	}
	s.install(dev)
	m.sessions[name] = s
	switch {
	case s.Status().LoggedIn:
		m.deps.tasks.run(m.deps.ctx, s.connectLoop)
	case m.deps.cfg.AutoLogin:
		m.deps.tasks.run(m.deps.ctx, s.autoLogin)
	}
	return nil
}

// loadDevice finds the session's device, or makes a new one (not stored
// until it pairs) when it has none or the store lost it.
func (m *Manager) loadDevice(ctx context.Context, name string) (*store.Device, error) {
	jid, ok, err := m.deps.dir.device(name)
	if err != nil {
		return nil, err
	}
	if ok {
		dev, err := m.deps.cfg.Devices.GetDevice(ctx, jid)
		if err != nil {
			return nil, fmt.Errorf("loading device %s of session %s: %w", jid, name, err)
		}
		if dev != nil {
			return dev, nil
		}
		m.deps.cfg.Log.Warn("device of session is gone from the device store; session must log in again",
			"session", name, "jid", jid.String())
		if err := m.deps.dir.remove(name); err != nil {
			return nil, err
		}
	}
	if dev, err := m.pairedMeanwhile(ctx, name); dev != nil || err != nil {
		return dev, err
	}
	return m.deps.cfg.Devices.NewDevice(), nil
}

// pairedMeanwhile finds the device a login of the session paired when the
// process stopped before the session's mapping was written: whatsmeow saves
// a paired device before it tells the session (see directory).
func (m *Manager) pairedMeanwhile(ctx context.Context, name string) (*store.Device, error) {
	key, err := m.deps.dir.pairing(name)
	if err != nil || len(key) == 0 {
		return nil, err
	}
	devs, err := m.deps.cfg.Devices.GetAllDevices(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing devices for session %s: %w", name, err)
	}
	for _, dev := range devs {
		if dev.ID == nil || dev.IdentityKey == nil || dev.IdentityKey.Pub == nil || !bytes.Equal(dev.IdentityKey.Pub[:], key) {
			continue
		}
		if err := m.deps.dir.save(name, *dev.ID); err != nil {
			return nil, err
		}
		m.deps.cfg.Log.Info("adopted the device a login paired before the process stopped",
			"session", name, "jid", dev.ID.String())
		return dev, nil
	}
	return nil, nil
}

// Get returns the named session (werr SESSION_NOT_FOUND if it is not open).
func (m *Manager) Get(name string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[name]
	if !ok {
		return nil, werr.New(werr.KindNotFound, werr.CodeSessionNotFound, "session %q not found", ident.Clip(name, 40))
	}
	return s, nil
}

// Names lists the open sessions, sorted.
func (m *Manager) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.sessions))
	for name := range m.sessions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Ready reports whether Start has opened the sessions. A session that is not
// logged in does not make the manager unready (CONTRACT §9).
func (m *Manager) Ready() bool {
	return m.ready.Load() && m.deps.ctx.Err() == nil
}

// Index is the message index the sessions feed.
func (m *Manager) Index() *MessageIndex { return m.deps.index }

// Close stops background work (connecting, automatic logins, pruning),
// waits for it, and disconnects every session.
func (m *Manager) Close() {
	m.deps.cancel()
	m.mu.Lock()
	sessions := make([]*Session, 0, len(m.sessions))
	for _, s := range m.sessions {
		sessions = append(sessions, s)
	}
	m.mu.Unlock()
	for _, s := range sessions {
		s.close()
	}
	m.deps.tasks.wait()
	m.ready.Store(false)
}
