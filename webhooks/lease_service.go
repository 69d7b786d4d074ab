package webhooks

import (
	"context"
	"errors"
	"fmt"
)

// startLeases creates (or updates) the lease bucket.
func (s *Service) startLeases(ctx context.Context) error {
	kv, err := s.cfg.JS.CreateOrUpdateKeyValue(ctx, leaseBucketConfig(s.cfg))
	if err != nil {
		return fmt.Errorf("creating the webhook lease bucket: %w", err)
	}
	if s.leaseKV != nil { // tests: a bucket whose requests can be made to fail
		kv = s.leaseKV(kv)
	}
	s.leases = newLeases(s, kv)
	s.leases.start()
	s.cfg.Log.Info("webhooks are delivered by the node holding each one's lease", "node", s.cfg.NodeID, "lease_ttl", s.cfg.LeaseTTL)
	return nil
}

// leaseAcquired starts webhook id's runner now that this node holds its
// lease, with the webhook as stored now (the watch may lag behind; it
// ignores revisions the runner took already).
func (s *Service) leaseAcquired(ctx context.Context, id string) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	// Released (the webhook is gone), or the service stops: no runner.
	if ctx.Err() != nil || s.root.Err() != nil || s.runner(id) != nil {
		return
	}
	w, rev, err := s.load(ctx, id)
	switch {
	case errors.Is(err, errNotFound), ctx.Err() != nil:
		return // the watch drops (or dropped) the keeper
	case err != nil:
		s.cfg.Log.Error("webhook lease taken but the webhook cannot be read; it is not delivered until the lease is taken again", "webhook", id, "err", err)
		return
	case w.Disabled:
		return
	}
	s.startRunner(w, rev)
}

// leaseLost stops webhook id's runner: cancelled at once, before waiting
// for the lock a change of the webhook may hold, so no delivery starts
// after the lease is gone.
func (s *Service) leaseLost(ctx context.Context, id string) {
	if r := s.runner(id); r != nil {
		r.cancel()
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if ctx.Err() != nil {
		return // released: the one releasing stopped the runner
	}
	s.stopRunner(context.WithoutCancel(ctx), id)
}

// startRunner starts a runner for w on this node. The caller holds runMu.
func (s *Service) startRunner(w Webhook, revision uint64) {
	r, err := newRunner(s, w, revision)
	if err != nil {
		s.cfg.Log.Error("webhook cannot run", "webhook", w.ID, "err", err)
		return
	}
	// Started under the lock: a Delete on this node (stopRunner) finds
	// the runner only once its cancel and done are set.
	s.mu.Lock()
	s.runners[w.ID] = r
	r.start()
	s.mu.Unlock()
}

// holds reports whether this node holds webhook id's lease, starting to
// keep it if it did not yet. The caller holds runMu.
func (s *Service) holds(id string) bool { return s.leases.keep(id) }
