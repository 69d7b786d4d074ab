package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// runner delivers one webhook: it reads the webhook's durable consumer and
// hands each event to the scheduler, which keeps the order per chat.
type runner struct {
	svc     *Service
	id      string
	log     *slog.Logger
	st      *status
	settled *settled    // what this runner acked, across its runs
	fast    *fastPoster // nil: every delivery through Config.Client

	// set is what a change of the webhook that keeps its consumer (a
	// secret rotation, a new URL, max_age, mode) replaces while the
	// runner delivers: workers take it at each attempt.
	set atomic.Pointer[settings]

	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	sched *scheduler
}

// settings are a webhook's stored state as one runner delivers it; never
// modified, replaced whole.
type settings struct {
	hook     Webhook
	keys     [][]byte
	mode     cenats.Mode
	revision uint64
}

func newSettings(w Webhook, revision uint64) (*settings, error) {
	keys, err := w.keys()
	if err != nil {
		return nil, err
	}
	mode, err := cenats.ParseMode(w.Mode)
	if err != nil {
		return nil, err
	}
	return &settings{hook: w, keys: keys, mode: mode, revision: revision}, nil
}

func newRunner(s *Service, w Webhook, revision uint64) (*runner, error) {
	set, err := newSettings(w, revision)
	if err != nil {
		return nil, err
	}
	r := &runner{svc: s, id: w.ID, log: s.cfg.Log.With("webhook", w.ID), st: &status{}, settled: newSettled()}
	if s.fast {
		r.fast = newFastPoster(s.cfg.Timeout)
	}
	r.set.Store(set)
	return r, nil
}

// settings are the webhook's current settings.
func (r *runner) settings() *settings { return r.set.Load() }

// sameConsumer reports whether w is delivered by the same consumer and
// scheduler as the running settings: the same filter subjects and the same
// concurrency (which decides the lanes of events already queued).
func (r *runner) sameConsumer(w Webhook) bool {
	cur := r.settings().hook
	subj := r.svc.cfg.Subjects
	return cur.Concurrency == w.Concurrency && slices.Equal(filterSubjects(subj, cur), filterSubjects(subj, w))
}

// update takes w's settings in place: the events in flight and their
// acks stay with this runner, instead of a restart handing them back and
// holding delivery until they return.
// Both this node's Rotate and the bucket's watch update: a revision older
// than the one taken is ignored.
func (r *runner) update(w Webhook, revision uint64) error {
	set, err := newSettings(w, revision)
	if err != nil {
		return err
	}
	for {
		cur := r.set.Load()
		if cur.revision >= revision || r.set.CompareAndSwap(cur, set) {
			return nil
		}
	}
}

func (r *runner) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go r.loop(ctx)
}

// stop ends delivery; events in flight are handed back to the consumer
// (nak'd) so the next runner takes them at once, in order.
func (r *runner) stop(ctx context.Context) error {
	r.cancel()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stopping webhook %s: %w", r.id, ctx.Err())
	}
}

// ended reports whether the loop returned by itself (its webhook found
// deleted): such a runner takes no settings, a new one is started.
func (r *runner) ended() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// loop runs the consumer, starting it again after a failure (the events
// stream not there yet, NATS away) until the runner stops.
func (r *runner) loop(ctx context.Context) {
	defer close(r.done)
	defer r.fast.close() // before done: a Delete returns with them closed
	for delay := 250 * time.Millisecond; ctx.Err() == nil; delay = min(2*delay, 30*time.Second) {
		err := r.run(ctx)
		if ctx.Err() != nil {
			return
		}
		r.st.setRunning(false)
		if errors.Is(err, errWebhookGone) {
			r.log.Info("webhook deleted; its delivery ends")
			return
		}
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			r.log.Info("webhook waits for the events stream", "in", delay)
		} else {
			r.log.Warn("webhook delivery stopped; starting it again", "err", err, "in", delay)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func (r *runner) run(ctx context.Context) error {
	cfg := r.svc.cfg
	if err := r.claimConsumer(ctx); err != nil {
		return err
	}
	cons, err := cfg.JS.Consumer(ctx, cfg.Subjects.EventsStream(), consumerName(r.id))
	if err != nil {
		return fmt.Errorf("binding the consumer of webhook %s: %w", r.id, err)
	}
	info := cons.CachedInfo()
	gate := newBarrier(info.Delivered.Stream, info.NumAckPending, time.Now().Add(2*cfg.AckWait+5*time.Second))
	iter, err := cons.Messages(jetstream.PullMaxMessages(min(cfg.Window, 256)), jetstream.PullExpiry(pullExpiry))
	if err != nil {
		return fmt.Errorf("reading the consumer of webhook %s: %w", r.id, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	// The concurrency is fixed for the runner's life (see sameConsumer).
	limit := r.settings().hook.Concurrency
	sched := newScheduler(limit, func(it *item) bool { return r.deliverItem(runCtx, it) })
	r.setScheduler(sched)
	r.st.setRunning(true)
	stopBeats := r.heartbeats(sched, gate)
	go func() { <-runCtx.Done(); iter.Stop() }()
	err = r.dispatch(iter, sched, gate)
	cancel()
	stopBeats()
	r.handBack(append(sched.stop(), gate.drain()...))
	if errors.Is(err, jetstream.ErrMsgIteratorClosed) && ctx.Err() != nil {
		return nil
	}
	return err
}

// dispatch takes every message at once (the consumer's MaxAckPending bounds
// how many there are): one waiting in the iterator's buffer would not be
// reported in progress and could come back as a duplicate.
func (r *runner) dispatch(iter jetstream.MessagesContext, sched *scheduler, gate *barrier) error {
	for {
		msg, err := iter.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return err
			}
			r.log.Debug("webhook consumer", "err", err)
			continue
		}
		meta, err := msg.Metadata()
		if err != nil {
			r.log.Warn("a message without JetStream metadata is skipped", "subject", msg.Subject(), "err", err)
			continue
		}
		if meta.NumDelivered > 1 && r.settled.has(meta.Sequence.Stream) {
			// Acked before; that ack was lost. Ack again, deliver nothing.
			_ = msg.Ack()
			for _, ready := range gate.returned(meta.Sequence.Stream) {
				sched.add(ready)
			}
			continue
		}
		lane := ""
		if r.settings().hook.Concurrency > 1 {
			lane = chatOf(msg.Subject())
		}
		it := newItem(msg, meta.Sequence.Stream, meta.Timestamp, lane)
		for _, ready := range gate.admit(it, meta.NumDelivered > 1) {
			sched.add(ready)
		}
	}
}

// heartbeats report every taken event in progress well within the ack
// wait, so events waiting behind a failing one are not redelivered.
func (r *runner) heartbeats(sched *scheduler, gate *barrier) func() {
	t := time.NewTicker(r.svc.cfg.AckWait / 3)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				for _, it := range append(sched.snapshot(), gate.held()...) {
					_ = it.handle().InProgress()
				}
				for _, ready := range gate.expire(time.Now()) {
					sched.add(ready)
				}
			}
		}
	}()
	return func() { t.Stop(); close(stop); <-done }
}

// handBack naks what was taken and not delivered, oldest first.
func (r *runner) handBack(items []*item) {
	for _, it := range items {
		_ = it.handle().Nak()
	}
}

func (r *runner) setScheduler(s *scheduler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sched = s
}

func (r *runner) inFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sched == nil {
		return 0
	}
	return r.sched.inFlight()
}

// chatOf is the chat token of an event subject <prefix>.<s>.evt.<chat>.<event>.
func chatOf(subject string) string {
	parts := strings.SplitN(subject, ".", 5)
	if len(parts) < 5 {
		return subject
	}
	return parts[1] + "." + parts[3]
}

// pullExpiry bounds how long one pull request waits on the server: a pull
// that reached it while the consumer was at MaxAckPending comes back empty
// and the client asks again only after its expiry (30 s by default).
const pullExpiry = 2 * time.Second
