package webhooks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// keeper holds (or waits for) one webhook's lease and starts and stops
// the webhook's runner on this node as it gains and loses it.
type keeper struct {
	l      *leases
	id     string
	cancel context.CancelFunc
	ctx    context.Context
	done   chan struct{}
	wake   chan struct{} // another node changed the key: act now

	mu sync.Mutex
	// rev is the revision this node last wrote to the key, 0 while it
	// holds no lease; until is when it stops delivering unless renewed.
	rev   uint64
	until time.Time
}

func newKeeper(l *leases, id string) *keeper {
	ctx, cancel := context.WithCancel(context.Background())
	return &keeper{l: l, id: id, ctx: ctx, cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}, 1)}
}

func (k *keeper) held() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.rev != 0
}

func (k *keeper) state() (uint64, time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.rev, k.until
}

func (k *keeper) set(rev uint64, until time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.rev, k.until = rev, until
}

// loop takes the lease when it is free and keeps it renewed, until the
// keeper is released.
func (k *keeper) loop() {
	defer close(k.done)
	for k.ctx.Err() == nil {
		rev, until := k.state()
		if rev == 0 {
			if !k.acquire() {
				k.sleep(k.l.renewEvery())
			}
			continue
		}
		k.renew(rev, until)
	}
}

// acquire tries to take the lease once; on success the runner starts.
func (k *keeper) acquire() bool {
	sent := time.Now()
	ctx, cancel := context.WithTimeout(k.ctx, k.l.renewEvery())
	defer cancel()
	rev, err := k.l.kv.Create(ctx, k.id, k.l.value(sent))
	switch {
	case errors.Is(err, jetstream.ErrKeyExists):
		return false // another node's
	case err != nil:
		if k.ctx.Err() == nil {
			k.l.svc.cfg.Log.Warn("taking a webhook's lease failed; trying again", "webhook", k.id, "err", err)
		}
		return false
	}
	k.set(rev, sent.Add(k.l.ttl-k.l.margin()))
	k.l.svc.cfg.Log.Debug("webhook lease taken", "webhook", k.id, "node", k.l.node)
	k.l.svc.leaseAcquired(k.ctx, k.id)
	return true
}

// renew waits for the next renewal and makes it; the lease is lost when
// the revision moved or when its time ran out.
func (k *keeper) renew(rev uint64, until time.Time) {
	if !k.sleepUntil(until, k.l.renewEvery()) {
		return
	}
	for k.ctx.Err() == nil {
		if !time.Now().Before(until) {
			k.lose(errors.New("the lease could not be renewed in time"))
			return
		}
		sent := time.Now()
		// Never past until: a renewal stuck on a NATS that is away must
		// not keep the runner delivering.
		ctx, cancel := context.WithDeadline(k.ctx, until)
		next, err := k.l.kv.Update(ctx, k.id, k.l.value(sent), rev)
		cancel()
		switch {
		case err == nil:
			k.set(next, sent.Add(k.l.ttl-k.l.margin()))
			return
		case revisionMoved(err):
			// Someone else wrote (or deleted) the key.
			k.lose(fmt.Errorf("the lease was taken: %w", err))
			return
		case k.ctx.Err() != nil:
			return
		}
		k.l.svc.cfg.Log.Warn("renewing a webhook's lease failed; trying again", "webhook", k.id, "err", err)
		if !k.sleepUntil(until, k.l.retryEvery()) {
			return
		}
	}
}

// lose stops the runner at once; the keeper then waits for the lease to
// be free again like any other node.
func (k *keeper) lose(why error) {
	k.set(0, time.Time{})
	k.l.svc.cfg.Log.Warn("webhook lease lost; this node stops delivering it", "webhook", k.id, "err", why)
	k.l.svc.leaseLost(k.ctx, k.id)
}

// sleep waits d, or until another node changed the key, or until the
// keeper is released, and reports whether it may go on.
func (k *keeper) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-k.ctx.Done():
		return false
	case <-k.wake:
		return true
	case <-t.C:
		return true
	}
}

// sleepUntil sleeps d, but never past until.
func (k *keeper) sleepUntil(until time.Time, d time.Duration) bool {
	return k.sleep(min(d, time.Until(until)))
}

// release ends the keeper and deletes the key it holds, at its revision
// (a key someone else wrote meanwhile is theirs). The webhook's runner
// must be stopped already.
func (k *keeper) release(ctx context.Context) error {
	k.cancel()
	select {
	case <-k.done:
	case <-ctx.Done():
		return fmt.Errorf("releasing the lease of webhook %s: %w", k.id, ctx.Err())
	}
	rev, _ := k.state()
	if rev == 0 {
		return nil
	}
	k.set(0, time.Time{})
	err := k.l.kv.Delete(ctx, k.id, jetstream.LastRevision(rev))
	if err != nil && !revisionMoved(err) {
		return fmt.Errorf("releasing the lease of webhook %s: %w", k.id, err)
	}
	return nil
}

// revisionMoved reports a compare-and-swap refused: the key is not at the
// revision given (R1 and replicated buckets answer it differently).
func revisionMoved(err error) bool {
	return errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists)
}
