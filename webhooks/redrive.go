package webhooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// RedriveStarted answers POST /webhooks/:id/redrive.
type RedriveStarted struct {
	// Queued is how many dead letters the webhook has now.
	Queued uint64 `json:"queued"`
	// AlreadyRunning: a redrive was running; it goes on, none is added.
	AlreadyRunning bool `json:"already_running,omitempty"`
}

// Redrive delivers a webhook's dead letters again, oldest first, in the
// background, through the same attempts (backoff, Retry-After, max_age)
// as live events; each is removed from the dead letters once delivered,
// and stays when it fails again. One redrive per webhook runs at a time.
func (s *Service) Redrive(ctx context.Context, id string) (RedriveStarted, error) {
	w, rev, err := s.load(ctx, id)
	if err != nil {
		return RedriveStarted{}, err
	}
	r, err := newRunner(s, w, rev)
	if err != nil {
		return RedriveStarted{}, err
	}
	n, err := s.deadCount(ctx, id)
	if err != nil {
		return RedriveStarted{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.redrive[id] != nil {
		return RedriveStarted{Queued: n, AlreadyRunning: true}, nil
	}
	if s.root == nil {
		return RedriveStarted{}, errors.New("webhooks service not started")
	}
	runCtx, cancel := context.WithCancel(s.root)
	run := &redriveRun{cancel: cancel, done: make(chan struct{}), r: r}
	s.redrive[id] = run
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(run.done)
		defer func() { s.mu.Lock(); delete(s.redrive, id); s.mu.Unlock() }()
		defer r.fast.close() // the redrive's own poster
		if err := s.redriveAll(runCtx, r); err != nil && runCtx.Err() == nil {
			r.log.Error("redrive stopped", "err", err)
		}
	}()
	return RedriveStarted{Queued: n}, nil
}

// redriveRun is a running redrive: deleting or disabling its webhook
// cancels it, so nothing more is posted to a receiver that is gone.
type redriveRun struct {
	cancel context.CancelFunc
	done   chan struct{}
	r      *runner // the redrive's own, not the live runner
}

// updateRedrive gives the webhook's running redrive, if one runs on this
// node, the settings Rotate just stored: the attempts of the dead letter in
// flight sign with them from the next one on, not only the dead letters
// after it (takeCurrent). A change made on another node reaches the
// redrive at its next dead letter.
func (s *Service) updateRedrive(id string, w Webhook, revision uint64) {
	s.mu.Lock()
	run := s.redrive[id]
	s.mu.Unlock()
	if run != nil {
		// Settings that do not parse: takeCurrent ends the redrive at the
		// next dead letter, saying why.
		_ = run.r.update(w, revision)
	}
}

// stopRedrive cancels the redrive of webhook id, if one runs on this node,
// and waits for it to end (or ctx).
func (s *Service) stopRedrive(ctx context.Context, id string) {
	s.mu.Lock()
	run := s.redrive[id]
	s.mu.Unlock()
	if run == nil {
		return
	}
	run.cancel()
	select {
	case <-run.done:
	case <-ctx.Done():
	}
}

// redriveAll walks the dead letters present now; those written during the
// redrive wait for the next one.
func (s *Service) redriveAll(ctx context.Context, r *runner) error {
	info, err := s.dead.Info(ctx)
	if err != nil {
		return fmt.Errorf("reading the dead-letter stream: %w", err)
	}
	last := info.State.LastSeq
	for seq := uint64(1); seq <= last; {
		raw, err := s.nextDead(ctx, r.id, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if raw.Sequence > last {
			return nil
		}
		seq = raw.Sequence + 1
		if err := s.takeCurrent(ctx, r); err != nil {
			return err
		}
		if err := s.redriveOne(ctx, r, raw); err != nil {
			return err
		}
	}
	return nil
}

// takeCurrent gives the redrive's runner the webhook's stored settings of
// now, before each dead letter: a secret rotated (or a URL or max_age
// changed) during a long redrive signs from the next delivery on, as live
// delivery takes them at each attempt. The redrive's runner is not the
// live one, so neither Rotate nor the watch reach it. A webhook deleted
// meanwhile ends the redrive.
func (s *Service) takeCurrent(ctx context.Context, r *runner) error {
	w, rev, err := s.load(ctx, r.id)
	if err != nil {
		return fmt.Errorf("reading the webhook's settings: %w", err)
	}
	// An older or the same revision is ignored: settings parse once a change.
	if err := r.update(w, rev); err != nil {
		return fmt.Errorf("the webhook's settings: %w", err)
	}
	return nil
}

func (s *Service) redriveOne(ctx context.Context, r *runner, raw *jetstream.RawStreamMsg) error {
	out := &outgoing{h: raw.Header, data: raw.Data}
	if _, err := out.delivery(r.settings().mode); err != nil {
		r.log.Warn("a dead letter is not a cloudevent and stays", "dead_seq", raw.Sequence, "err", err)
		return nil
	}
	// A redriven event is old by definition: its max_age starts now.
	res, lastErr, _ := r.attempt(ctx, out, time.Now())
	switch res {
	case delivered:
		if err := s.dead.DeleteMsg(ctx, raw.Sequence); err != nil {
			return fmt.Errorf("removing redriven dead letter %d: %w", raw.Sequence, err)
		}
	case gone:
		r.disable(lastErr)
		return fmt.Errorf("the receiver is gone: %w", lastErr)
	case canceled:
		return ctx.Err()
	default:
		r.log.Warn("a redriven event failed until max_age and stays a dead letter", "dead_seq", raw.Sequence, "err", lastErr)
	}
	return nil
}
