package bridge

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// maxEmitBackoff caps the wait between two attempts to keep an event.
const maxEmitBackoff = 5 * time.Second

// retrying runs keep until it succeeds, ctx ends or the manager's EmitRetry
// budget is spent, waiting EmitBackoff (doubling) between attempts. A short
// outage of the outbox (a slow disk, a full group commit) is thus bridged
// inside the handler, without making WhatsApp redeliver.
func (s *Session) retrying(ctx context.Context, keep func() error) error {
	deadline := time.Now().Add(s.d.cfg.EmitRetry)
	wait := s.d.cfg.EmitBackoff
	for {
		err := keep()
		if err == nil || permanent(err) {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		timer := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		wait = min(2*wait, maxEmitBackoff)
	}
}

// keepInbound keeps what an inbound WhatsApp event became: its CloudEvent
// with the writes that go with it, or the writes alone when there is no
// event. When that fails for the whole retry budget, the link reconnects:
// the unacked event then comes again at once, instead of whenever WhatsApp
// retries on its own.
func (s *Session) keepInbound(ctx context.Context, l *link, e *events.Event, writes ...store.Write) error {
	keepWrites := func() error { return s.d.cfg.DB.Commit(writes...) }
	err := s.retrying(ctx, func() error {
		if e == nil {
			return keepWrites()
		}
		return s.d.cfg.Sink.Emit(ctx, *e, writes...)
	})
	if e != nil && permanent(err) {
		// Redelivery would fail the same way and hold the session in a
		// reconnect loop behind this one event: keep the message itself
		// and let WhatsApp have its ack.
		s.log.Error("event can never be published (larger than a NATS message); the message is kept, the event is not",
			"ce_type", e.Type, "chat", e.Subject, "error", err)
		err = s.retrying(ctx, keepWrites)
	}
	if err != nil && ctx.Err() == nil {
		s.reconnectLater(l)
	}
	return err
}

// permanent reports whether keeping an event can never succeed, however
// often it is tried: the outbox refuses it as larger than a NATS message.
func permanent(err error) bool { return err != nil && werr.KindOf(err) == werr.KindTooLarge }

// reconnectLater drops l's connection and connects it again in the
// background: the handler that asks for it runs on whatsmeow's event
// goroutine, which must first return.
func (s *Session) reconnectLater(l *link) {
	s.log.Warn("reconnecting so that WhatsApp redelivers what could not be kept")
	s.connectLater(l, true)
}

// connectLater runs the connect loop for l in the background, dropping the
// connection first when asked. One such loop at a time per session.
func (s *Session) connectLater(l *link, disconnect bool) {
	if !s.reconnecting.CompareAndSwap(false, true) {
		return
	}
	s.d.tasks.run(s.d.ctx, func(ctx context.Context) {
		defer s.reconnecting.Store(false)
		if !s.isCurrent(l) {
			return
		}
		if disconnect {
			l.client.Disconnect()
		}
		s.connectLoop(ctx)
	})
}
