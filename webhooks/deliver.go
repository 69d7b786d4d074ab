package webhooks

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// outcome is how the delivery of one event ended.
type outcome int

const (
	delivered outcome = iota // a 2xx
	expired                  // failed until max_age: dead-letter it
	gone                     // 410 Gone: disable the webhook
	canceled                 // the runner stops: hand the event back
)

// deliverItem delivers one event of the consumer and settles it: acked
// once delivered or dead-lettered. It returns false when the worker must
// stop.
func (r *runner) deliverItem(ctx context.Context, it *item) bool {
	msg := it.handle() // a redelivery carries the same event
	out := &outgoing{h: msg.Headers(), data: msg.Data()}
	if _, err := out.delivery(r.settings().mode); err != nil {
		// Not a CloudEvent: no attempt can succeed.
		return r.settle(ctx, it, expired, fmt.Errorf("event at sequence %d is not a cloudevent: %w", it.seq, err), 0)
	}
	res, lastErr, attempts := r.attempt(ctx, out, it.stored)
	switch res {
	case canceled:
		return false
	case gone:
		r.disable(lastErr)
		return false
	}
	return r.settle(ctx, it, res, lastErr, attempts)
}

// outgoing is one stored event as its attempts post it: its delivery is
// built once, again only if a change of the webhook switched the mode.
type outgoing struct {
	h    nats.Header
	data []byte

	built bool
	mode  cenats.Mode
	d     Delivery
}

func (o *outgoing) delivery(mode cenats.Mode) (Delivery, error) {
	if o.built && o.mode == mode {
		return o.d, nil
	}
	d, err := prepareStored(o.h, o.data, mode)
	if err != nil {
		return Delivery{}, err
	}
	o.built, o.mode, o.d = true, mode, d
	return d, nil
}

// settle acks a delivered event, or writes it to the dead letters first.
func (r *runner) settle(ctx context.Context, it *item, res outcome, lastErr error, attempts int) bool {
	if res == expired {
		for {
			err := r.svc.writeDeadLetter(ctx, r.id, it.handle(), lastErr, attempts)
			if err == nil {
				break
			}
			r.log.Error("writing a dead letter failed; trying again", "seq", it.seq, "err", err)
			select {
			case <-ctx.Done():
				return false
			case <-time.After(time.Second):
			}
		}
		r.log.Warn("event dead-lettered after max_age", "seq", it.seq, "attempts", attempts, "err", lastErr)
		r.observe(OutcomeDeadLettered)
	}
	// The ack is not waited for: the lane's next event is delivered only
	// after this one either way, and an event whose ack was lost comes
	// back to a runner that remembers it settled (see settled) and acks it
	// again; only a new runner (a restart) would deliver it once more.
	r.settled.add(it.seq)
	if err := it.handle().Ack(); err != nil {
		r.log.Warn("acking a delivered event failed", "seq", it.seq, "err", err)
	}
	return true
}

// attempt posts out until a 2xx, a 410, max_age after since, or ctx; it
// tries at least once. Between attempts it waits an exponential backoff
// with full jitter, or the receiver's Retry-After when longer.
//
// For a live event since is when WA_EVENTS stored it: max_age is the age
// of the event, so neither a restart nor the wait behind an earlier event
// of its chat gives it a new max_age, and a backlog behind a dead receiver
// reaches the dead letters in one attempt each rather than one event per
// max_age (while WA_EVENTS' retention would drop the rest unseen).
func (r *runner) attempt(ctx context.Context, out *outgoing, since time.Time) (outcome, error, int) {
	cfg := r.svc.cfg
	for n := 1; ; n++ {
		// Each attempt takes the settings of now: a rotated secret or a
		// new URL applies from the next attempt on.
		set := r.settings()
		maxAge := time.Duration(set.hook.MaxAge)
		d, err := out.delivery(set.mode)
		if err != nil {
			return expired, err, n // the other mode's encoding cannot carry it
		}
		postCtx, release := graceful(ctx, stopGrace)
		status, retryAfter, err := r.post(postCtx, set.hook.URL, d, set.keys)
		release()
		if err == nil {
			// A 2xx is a delivery even when the runner stops meanwhile:
			// handed back, the event would be posted again.
			r.st.success(status)
			r.observe(OutcomeDelivered)
			return delivered, nil, n
		}
		if ctx.Err() != nil {
			return canceled, ctx.Err(), n
		}
		r.st.failure(status, err)
		r.observe(OutcomeFailed)
		if IsGone(err) {
			return gone, err, n
		}
		left := maxAge - time.Since(since)
		if left <= 0 {
			return expired, err, n
		}
		wait := min(max(backoff(cfg.BackoffMin, cfg.BackoffMax, n), retryAfter), left)
		select {
		case <-ctx.Done():
			return canceled, ctx.Err(), n
		case <-time.After(wait):
		}
	}
}

// stopGrace is how long a stop lets an attempt in flight finish.
const stopGrace = 2 * time.Second

// graceful is the context of one attempt under ctx: when ctx ends, the
// attempt still has grace to get its answer. Cut at once, a receiver
// that took the event and was answering 2xx would have it handed back
// and posted again by the next runner; a receiver that does not answer
// does not hold a stop for longer than grace.
func graceful(ctx context.Context, grace time.Duration) (context.Context, func()) {
	postCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopWatch := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-postCtx.Done():
		}
	})
	return postCtx, func() { stopWatch(); cancel() }
}

// backoff is a random wait up to min(max, base·2^(n-1)) ("full jitter").
func backoff(base, maxWait time.Duration, n int) time.Duration {
	bound := maxWait
	if n < 40 {
		bound = min(maxWait, base<<(n-1))
	}
	return rand.N(bound + 1)
}

// disable records a receiver's 410 Gone in the webhook's stored state.
func (r *runner) disable(cause error) {
	reason := fmt.Sprintf("the receiver answered %d Gone at %s", http.StatusGone, time.Now().UTC().Format(time.RFC3339))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.svc.disable(ctx, r.id, reason); err != nil && !errors.Is(err, errNotFound) {
		r.log.Error("disabling the webhook after 410 Gone failed", "err", err)
		return
	}
	r.log.Warn("webhook disabled: the receiver is gone", "err", cause)
}
