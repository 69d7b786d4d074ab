package webhooks

import (
	"context"
	"encoding/json"

	"github.com/nats-io/nats.go/jetstream"
)

// watch wakes this node's keepers when another node writes or releases
// one of their leases: a released lease is taken at once rather than at
// the next attempt, and a holder whose key another node wrote renews at
// once, finds the revision moved and stops its runner without waiting for
// its next renewal. Keepers still poll every renewal interval, so a watch
// that fails only makes handovers slower. (An expiry shows no change: the
// bucket keeps no markers, see leaseBucketConfig.)
func (l *leases) watch(ctx context.Context) {
	defer close(l.watchDone)
	w, err := l.kv.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		l.svc.cfg.Log.Warn("watching the webhook leases failed; handovers wait for the next attempt", "err", err)
		return
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				if ctx.Err() == nil {
					l.svc.cfg.Log.Warn("the webhook leases' watch ended; handovers wait for the next attempt")
				}
				return
			}
			if e != nil && !l.mine(e) {
				// Another node's renewal concerns only a holder (a
				// lease written behind its back); a release, everyone.
				l.wake(e.Key(), e.Operation() == jetstream.KeyValuePut)
			}
		}
	}
}

// mine reports a write of this node's own (a renewal): nothing to do.
func (l *leases) mine(e jetstream.KeyValueEntry) bool {
	if e.Operation() != jetstream.KeyValuePut {
		return false
	}
	var v leaseValue
	return json.Unmarshal(e.Value(), &v) == nil && v.Node == l.node
}

// wake makes webhook id's keeper act now instead of at its next attempt;
// with heldOnly, only if it holds the lease.
func (l *leases) wake(id string, heldOnly bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k := l.keepers[id]; k != nil && (!heldOnly || k.held()) {
		select {
		case k.wake <- struct{}{}:
		default: // woken already
		}
	}
}
