package bridge

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/internal/werr"
)

// autoLogin begins a QR login for a session without a linked device, so that
// a fresh `wabridge serve` shows a code (in the terminal, through QRWriter,
// and as a session.qr event) without any call. While WhatsApp cannot be
// reached it tries again with the connect backoff; once codes were shown and
// ran out it stops, and a Login call (GET /app/login) begins another. It ends
// when ctx does (the manager closing).
func (s *Session) autoLogin(ctx context.Context) {
	wait := s.d.cfg.ConnectBackoff
	for ctx.Err() == nil && !s.Status().LoggedIn {
		_, err := s.Login(ctx)
		if err == nil {
			if s.d.cfg.QRWriter != nil {
				s.log.Info("scan the QR code above with WhatsApp (Linked devices), or open /app/login")
			} else {
				s.log.Info("a QR code waits for a scan at /app/login")
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !unreachable(err) {
			s.log.Warn("automatic login stopped; GET /app/login starts one", "err", err)
			return
		}
		s.log.Warn("no QR code yet: WhatsApp not reachable; trying again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, s.d.cfg.MaxConnectBackoff)
	}
}

// unreachable reports whether a login failed because WhatsApp could not be
// reached (whatsmeow ends the QR channel before the first code) rather than
// for a reason another attempt would meet again.
func unreachable(err error) bool {
	k := werr.KindOf(err)
	return k == werr.KindNotConnected || k == werr.KindTimeout
}
