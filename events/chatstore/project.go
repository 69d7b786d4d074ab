package chatstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Projector applies the events of WA_EVENTS to a Store.
type Projector struct {
	s   *Store
	js  jetstream.JetStream
	cfg ProjectConfig

	applied atomic.Uint64 // stream sequence the store has reached
	pending atomic.Uint64 // events in the stream the store has not yet applied
}

// NewProjector makes a projector; Run or CatchUp start it.
func (s *Store) NewProjector(js jetstream.JetStream, cfg ProjectConfig) (*Projector, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Projector{s: s, js: js, cfg: cfg}, nil
}

// Project applies events until ctx ends (then it returns ctx's error).
func (s *Store) Project(ctx context.Context, js jetstream.JetStream, cfg ProjectConfig) error {
	p, err := s.NewProjector(js, cfg)
	if err != nil {
		return err
	}
	return p.Run(ctx)
}

// Lag is how far the store is behind the stream: the last stream sequence
// applied, and how many events are still to apply (as of the last fetch).
func (p *Projector) Lag() (appliedSeq, pending uint64) {
	return p.applied.Load(), p.pending.Load()
}

// Run applies events until ctx ends.
func (p *Projector) Run(ctx context.Context) error {
	return p.run(ctx, false)
}

// CatchUp applies events until none is pending, then returns.
func (p *Projector) CatchUp(ctx context.Context) error {
	return p.run(ctx, true)
}

func (p *Projector) run(ctx context.Context, untilCaughtUp bool) error {
	cons, err := p.consumer(ctx)
	if err != nil {
		return err
	}
	backoff := newBackoff()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		msgs, err := p.fetch(ctx, cons)
		if err != nil {
			p.cfg.Log.Warn("chat store: fetching events failed", "err", err)
			if !backoff.wait(ctx) {
				return ctx.Err()
			}
			continue
		}
		backoff.reset()
		if len(msgs) == 0 {
			if untilCaughtUp {
				if done, err := p.caughtUp(ctx, cons); err != nil || done {
					return err
				}
			}
			continue
		}
		if err := p.applyBatch(ctx, msgs); err != nil {
			return err
		}
		if untilCaughtUp && p.pending.Load() == 0 {
			return nil
		}
	}
}

// fetch takes what is there up to a batch at once; when nothing is, it
// waits at most cfg.Wait for the next event. A pull request for a whole
// batch would wait until the batch is full or expires, holding back the
// events that did come.
func (p *Projector) fetch(ctx context.Context, cons jetstream.Consumer) ([]jetstream.Msg, error) {
	batch, err := cons.FetchNoWait(p.cfg.Batch)
	if err != nil {
		return nil, fmt.Errorf("fetching from %s: %w", p.cfg.Stream, err)
	}
	msgs, err := collect(ctx, batch)
	if len(msgs) > 0 || err != nil {
		return msgs, err
	}
	fctx, cancel := context.WithTimeout(ctx, p.cfg.Wait)
	defer cancel()
	if batch, err = cons.Fetch(1, jetstream.FetchContext(fctx)); err != nil {
		if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			return nil, nil
		}
		return nil, fmt.Errorf("fetching from %s: %w", p.cfg.Stream, err)
	}
	return collect(ctx, batch)
}

// collect reads a fetch's messages; an error after some messages is left
// for the next fetch to report.
func collect(ctx context.Context, batch jetstream.MessageBatch) ([]jetstream.Msg, error) {
	var msgs []jetstream.Msg
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	err := batch.Error()
	if err == nil || len(msgs) > 0 || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, jetstream.ErrNoMessages) {
		return msgs, nil
	}
	return nil, fmt.Errorf("fetching events: %w", err)
}

// caughtUp asks the server whether anything is left to deliver.
func (p *Projector) caughtUp(ctx context.Context, cons jetstream.Consumer) (bool, error) {
	info, err := cons.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("reading consumer %s: %w", p.cfg.Durable, err)
	}
	p.pending.Store(info.NumPending)
	return info.NumPending == 0 && info.NumAckPending == 0, nil
}

// backoff spaces retries of a failing fetch or commit: 100 ms doubling to 5 s.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 100 * time.Millisecond} }

func (b *backoff) reset() { b.d = 100 * time.Millisecond }

// wait sleeps for the current delay; false when ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	t := time.NewTimer(b.d)
	defer t.Stop()
	b.d = min(2*b.d, 5*time.Second)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
