package mediafetch

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// handle downloads one event's media and acknowledges the event only once
// the media is stored (or will never be): a fetcher that dies meanwhile
// gets the event again.
func (f *Fetcher) handle(ctx context.Context, m jetstream.Msg) {
	session, typ, data, err := f.read(m)
	if err != nil {
		f.cfg.Log.Warn("media fetcher: skipping an event it cannot read", "subject", m.Subject(), "error", err)
		_ = m.Term()
		return
	}
	if why := f.cfg.Policy.skip(typ, data); why != "" {
		if data.Media != nil {
			f.cfg.Log.Debug("media fetcher: not downloading", "session", session, "msg_id", data.ID, "reason", why)
		}
		_ = m.Ack()
		return
	}
	log := f.cfg.Log.With("session", session, "msg_id", data.ID, "media_id", data.Media.ID)
	work, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	stopBeat := f.heartbeat(work, m)
	err = f.fetch(work, session, data.Media.ID, f.cfg.Policy.MaxBytes)
	stopBeat()
	f.settle(ctx, m, err, log)
}

// read decodes a delivered message event.
func (f *Fetcher) read(m jetstream.Msg) (session, typ string, data events.MessageReceived, err error) {
	session, _, _, err = f.cfg.Subjects.Parse(m.Subject())
	if err != nil {
		return "", "", data, err
	}
	ce, err := cenats.Decode(m.Headers(), m.Data())
	if err != nil {
		return "", "", data, err
	}
	if err := json.Unmarshal(ce.Data(), &data); err != nil {
		return "", "", data, err
	}
	return session, ce.Type(), data, nil
}

// heartbeat tells JetStream the event is being worked on, so a long
// download is not delivered again meanwhile; the returned func stops it.
func (f *Fetcher) heartbeat(ctx context.Context, m jetstream.Msg) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(f.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	return func() { cancel(); <-done }
}

// settle acks a stored media and a permanent failure (logged), and
// delivers a transient failure again after a backoff, up to Attempts.
func (f *Fetcher) settle(ctx context.Context, m jetstream.Msg, err error, log *slog.Logger) {
	if err == nil {
		_ = m.Ack()
		return
	}
	if ctx.Err() != nil {
		_ = m.Nak() // stopping: the next run takes it at once
		return
	}
	attempt := uint64(1)
	if md, mdErr := m.Metadata(); mdErr == nil {
		attempt = md.NumDelivered
	}
	switch {
	case !transient(err):
		log.Warn("media fetcher: media cannot be had; giving it up", "error", err)
		_ = m.Ack()
	case attempt >= uint64(f.cfg.Attempts):
		log.Error("media fetcher: giving up after repeated failures", "attempts", attempt, "error", err)
		_ = m.Term()
	default:
		delay := f.backoff(attempt)
		log.Info("media fetcher: download failed; trying again", "attempt", attempt, "in", delay, "error", err)
		_ = m.NakWithDelay(delay)
	}
}

func (f *Fetcher) backoff(attempt uint64) time.Duration {
	d := f.cfg.Backoff
	for i := uint64(1); i < attempt && d < f.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, f.cfg.MaxBackoff)
}

// transient: what a later try may get. A session not logged in or not
// connected (yet) is, and so is anything the bridge calls retryable;
// media gone, refused or too large is final.
func transient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	switch k := werr.KindOf(err); k {
	case werr.KindNotLoggedIn, werr.KindNotConnected:
		return true
	default:
		return k.Retryable()
	}
}
