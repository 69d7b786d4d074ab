package bridge

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

// loginClient is the login and logout part of a session's client.
type loginClient interface {
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)
	Logout(ctx context.Context) error
}

var _ loginClient = (*whatsmeow.Client)(nil)

// qrEmitWait bounds how long a new QR code waits for its event to be kept
// before it is shown all the same.
const qrEmitWait = 2 * time.Second

// loginAttempt is one QR channel's life: from GetQRChannel until success,
// timeout or error.
type loginAttempt struct {
	link      *link
	cancel    context.CancelFunc
	first     chan struct{} // closed at the first code
	firstOnce sync.Once
	done      chan struct{} // closed when the attempt is over

	// guarded by Session.mu
	current *LoginQR
	failure error
}

// Login starts a QR login, or joins the one in progress, and returns the
// current code once there is one (bounded by ctx).
func (s *Session) Login(ctx context.Context) (LoginQR, error) {
	a, err := s.ensureLogin()
	if err != nil {
		return LoginQR{}, err
	}
	return s.waitCode(ctx, a)
}

// ensureLogin returns the login in progress or starts one. The connect runs
// outside the session lock: it can take seconds on a slow network, and
// Status must stay answerable meanwhile.
func (s *Session) ensureLogin() (*loginAttempt, error) {
	s.mu.Lock()
	l := s.cur
	if l.loggedIn(l.me) {
		s.mu.Unlock()
		return nil, werr.New(werr.KindConflict, werr.CodeAlreadyLoggedIn, "session %s is already logged in", s.name)
	}
	if s.login != nil {
		a := s.login
		s.mu.Unlock()
		return a, nil
	}
	ctx, cancel := context.WithCancel(s.d.ctx)
	a := &loginAttempt{link: l, cancel: cancel, first: make(chan struct{}), done: make(chan struct{})}
	s.login = a
	s.mu.Unlock()

	// Before the device can pair, so that a crash right after whatsmeow
	// saved it still finds it its session (directory).
	if err := s.d.dir.markPairing(s.name, l.identityKey); err != nil {
		err = werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "starting the login of session %s", s.name)
		s.endLogin(a, err)
		return nil, err
	}
	ch, err := s.openQRChannel(ctx, l)
	if err != nil {
		s.endLogin(a, err)
		return nil, err
	}
	s.d.tasks.run(ctx, func(ctx context.Context) { s.consumeQR(ctx, a, ch) })
	if ctx.Err() != nil {
		s.endLogin(a, errors.New("bridge: manager is closing"))
	}
	return a, nil
}

func (s *Session) openQRChannel(ctx context.Context, l *link) (<-chan whatsmeow.QRChannelItem, error) {
	// A connection left from an earlier attempt cannot show a QR code.
	if l.client.IsConnected() {
		l.client.Disconnect()
	}
	ch, err := l.client.GetQRChannel(ctx)
	if err != nil {
		return nil, classify(err, op(types.EmptyJID, "starting the QR login of session %s", s.name))
	}
	if err := l.client.Connect(); err != nil {
		return nil, classify(err, op(types.EmptyJID, "connecting session %s for login", s.name))
	}
	return ch, nil
}

// waitCode waits for the attempt's current code.
func (s *Session) waitCode(ctx context.Context, a *loginAttempt) (LoginQR, error) {
	select {
	case <-a.first:
	case <-a.done:
	case <-ctx.Done():
		return LoginQR{}, werr.Wrap(ctx.Err(), werr.KindTimeout, werr.CodeTimeout, "waiting for the QR code of session %s", s.name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case a.current != nil:
		return *a.current, nil
	case s.cur.loggedIn(s.cur.me):
		return LoginQR{}, werr.New(werr.KindConflict, werr.CodeAlreadyLoggedIn, "session %s is already logged in", s.name)
	case a.failure != nil:
		return LoginQR{}, werr.From(a.failure)
	}
	return LoginQR{}, werr.New(werr.KindUpstream, werr.CodeUpstream, "login of session %s ended without a QR code", s.name)
}

// consumeQR follows the QR channel until its final item (or until ctx
// ends), keeping the current code for Login.
func (s *Session) consumeQR(ctx context.Context, a *loginAttempt, ch <-chan whatsmeow.QRChannelItem) {
	var failure error = werr.New(werr.KindUpstream, werr.CodeUpstream, "login of session %s was cancelled", s.name)
	defer func() { s.endLogin(a, failure) }()
	for {
		var item whatsmeow.QRChannelItem
		var ok bool
		select {
		case item, ok = <-ch:
		case <-ctx.Done():
			return
		}
		if !ok {
			return
		}
		// Anything but a code is the channel's final item.
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			s.onQRCode(ctx, a, item)
			continue
		case whatsmeow.QRChannelSuccess.Event:
			s.log.Info("login succeeded")
			failure = nil
		default:
			failure = qrFailure(s.name, item, a.sawCode())
			s.log.Warn("login ended", "reason", failure)
			a.link.client.Disconnect()
		}
		return
	}
}

// sawCode reports whether WhatsApp sent at least one QR code in this login.
func (a *loginAttempt) sawCode() bool {
	select {
	case <-a.first:
		return true
	default:
		return false
	}
}

func qrFailure(session string, item whatsmeow.QRChannelItem, sawCode bool) error {
	// whatsmeow ends the channel with "timeout" on any disconnect; before the
	// first code that means WhatsApp was never reached, not that nobody scanned.
	if item.Event == whatsmeow.QRChannelTimeout.Event && !sawCode {
		return werr.New(werr.KindNotConnected, werr.CodeNotConnected, "login of session %s failed: WhatsApp could not be reached; try again", session)
	}
	if item.Event == whatsmeow.QRChannelTimeout.Event {
		return werr.New(werr.KindTimeout, werr.CodeTimeout, "login of session %s timed out: no QR code was scanned", session)
	}
	e := werr.New(werr.KindUpstream, werr.CodeUpstream, "login of session %s failed: %s", session, item.Event)
	e.Err = item.Error
	return e
}

func (s *Session) onQRCode(ctx context.Context, a *loginAttempt, item whatsmeow.QRChannelItem) {
	now := time.Now()
	qr := LoginQR{Code: item.Code, ExpiresAt: now.Add(item.Timeout), Timeout: int(item.Timeout / time.Second)}
	// The code is ephemeral: if the sink cannot keep it soon, the terminal
	// and the REST answer still show it, so go on while the queue retries
	// (a code is valid for 20 s). With a working sink the event is kept
	// before Login can return the code, so whoever gets it can find it.
	s.emitStateWithin(ctx, min(s.d.cfg.EmitRetry, qrEmitWait), events.TypeSessionQR, events.SessionState{
		State: "qr", QRCode: item.Code, ExpiresAt: &qr.ExpiresAt,
	})
	if err := s.d.qr.print(s.name, item.Code); err != nil {
		s.log.Error("printing QR code failed", "error", err)
	}
	s.setCode(a, &qr)
	a.firstOnce.Do(func() { close(a.first) })
}

func (s *Session) setCode(a *loginAttempt, qr *LoginQR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.current = qr
}

func (s *Session) endLogin(a *loginAttempt, failure error) {
	s.mu.Lock()
	if s.login == a {
		s.login = nil
	}
	a.current = nil
	select {
	case <-a.done: // ended before; keep the first reason
	default:
		a.failure = failure
		close(a.done)
	}
	s.mu.Unlock()
	a.cancel()
}
