package bridge

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// Session is one linked WhatsApp account.
type Session struct {
	name string
	d    *deps
	log  *slog.Logger
	// states numbers and emits the session's state events in order.
	states stateQueue
	// reconnecting is set while a reconnect asked for by a handler runs.
	reconnecting atomic.Bool

	mu    sync.Mutex
	cur   *link
	login *loginAttempt // the QR login in progress, if any
}

// link is one client over one device. A logout replaces the session's link
// with a fresh one; handlers of an old link ignore what still arrives.
type link struct {
	client    Client
	dev       *store.Device // written by client's goroutines; read me instead
	handlerID uint32
	me        self // guarded by Session.mu
	// identityKey is the device's public identity key, copied before the
	// client runs: it names the device a login may pair (directory).
	identityKey []byte
	// subs are the contacts whose presence the session follows
	// (presence_subscribe.go).
	subs *presenceSubs
}

// connector is the connection part of a session's client.
type connector interface {
	Connect() error
	Disconnect()
	IsConnected() bool
	IsLoggedIn() bool
}

var _ connector = (*whatsmeow.Client)(nil)

// Status is a session's state.
type Status struct {
	LoggedIn  bool   `json:"logged_in"`
	Connected bool   `json:"connected"`
	JID       string `json:"jid,omitempty"`
}

func newSession(name string, d *deps) (*Session, error) {
	last, err := loadStateSeq(d.cfg.DB, name)
	if err != nil {
		return nil, err
	}
	s := &Session{name: name, d: d, log: d.cfg.Log.With("session", name)}
	s.states.next = last + 1
	return s, nil
}

// Name is the session's name.
func (s *Session) Name() string { return s.name }

// Status reports whether the session is logged in and connected.
func (s *Session) Status() Status {
	l, me := s.view()
	st := Status{LoggedIn: l.loggedIn(me), Connected: l.client.IsConnected()}
	if me.paired() {
		st.JID = me.id.ToNonAD().String()
	}
	return st
}

// loggedIn: a paired device has an ID (whatsmeow); a stand-in client may only
// know it through IsLoggedIn, which whatsmeow keeps in an atomic.
func (l *link) loggedIn(me self) bool {
	return me.paired() || l.client.IsLoggedIn()
}

func (s *Session) current() *link {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *Session) isCurrent(l *link) bool {
	return s.current() == l
}

// install makes dev the session's device, with a new client listening to it.
func (s *Session) install(dev *store.Device) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installLocked(dev)
}

func (s *Session) installLocked(dev *store.Device) {
	// The copy is taken before the client exists, so nothing writes dev yet.
	l := &link{dev: dev, me: selfFromDevice(dev), subs: newPresenceSubs(s.d.cfg.PresenceSubscriptions)}
	if dev.IdentityKey != nil && dev.IdentityKey.Pub != nil {
		l.identityKey = bytes.Clone(dev.IdentityKey.Pub[:])
	}
	l.client = s.d.cfg.NewClient(s.name, dev, NewWALogger(s.log).Sub("whatsmeow"))
	l.handlerID = l.client.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		return s.dispatch(l, evt)
	})
	s.cur = l
}

// reset gives the session a fresh device and client after a logout. The old
// client is let go in the background: whatsmeow holds its handler lock while
// our handler runs, so removing the handler from inside it would deadlock.
func (s *Session) reset(old *link) {
	s.mu.Lock()
	if s.cur != old {
		s.mu.Unlock()
		return
	}
	if s.login != nil {
		s.login.cancel()
		s.login = nil
	}
	s.installLocked(s.d.cfg.Devices.NewDevice())
	s.mu.Unlock()
	s.d.tasks.run(s.d.ctx, func(context.Context) { old.release() })
}

func (l *link) release() {
	l.client.RemoveEventHandler(l.handlerID)
	l.client.Disconnect()
}

func (s *Session) close() {
	s.mu.Lock()
	l := s.cur
	if s.login != nil {
		s.login.cancel()
	}
	s.mu.Unlock()
	l.release()
}

// connectLoop connects a logged-in session, retrying with backoff until it
// succeeds or the manager closes. whatsmeow reconnects by itself after that.
func (s *Session) connectLoop(ctx context.Context) {
	delay := s.d.cfg.ConnectBackoff
	for {
		l, me := s.view()
		if !l.loggedIn(me) || l.client.IsConnected() {
			return
		}
		err := l.client.Connect()
		if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			return
		}
		s.log.Warn("connecting to WhatsApp failed; retrying", "error", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, s.d.cfg.MaxConnectBackoff)
	}
}

// Reconnect drops the connection and connects again. When connecting
// fails, the reconnect loop takes over (with backoff, as at start), so the
// session is not left disconnected until someone asks again.
func (s *Session) Reconnect(context.Context) error {
	l, me := s.view()
	if !l.loggedIn(me) {
		return errNotLoggedIn(s.name)
	}
	l.client.Disconnect()
	if err := l.client.Connect(); err != nil {
		s.log.Warn("reconnecting failed; the reconnect loop takes over", "error", err)
		s.connectLater(l, false)
		return classify(err, op(types.EmptyJID, "reconnecting session %s", s.name))
	}
	return nil
}

// Devices lists the session's linked device: empty when not logged in.
func (s *Session) Devices(context.Context) ([]Device, error) {
	l, me := s.view()
	if !l.loggedIn(me) {
		return []Device{}, nil
	}
	d := Device{
		Session:   s.name,
		PushName:  me.pushName,
		Platform:  me.platform,
		LoggedIn:  true,
		Connected: l.client.IsConnected(),
	}
	if me.paired() {
		d.JID = me.id.String()
	}
	if !me.lid.IsEmpty() {
		d.LID = me.lid.String()
	}
	return []Device{d}, nil
}

func errNotLoggedIn(session string) error {
	return werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "session %s is not logged in", session)
}
