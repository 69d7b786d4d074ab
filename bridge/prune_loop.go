package bridge

import (
	"context"
	"time"
)

// pruneEvery is how often the message index is pruned after the first time
// at start: messages age by the hour, a retention is counted in days.
const pruneEvery = time.Hour

// pruneLoop keeps the message index within MessageRetention: at start, then
// every pruneEvery, until ctx ends (the manager closing).
func (m *Manager) pruneLoop(ctx context.Context) {
	retention := m.deps.cfg.MessageRetention
	log := m.deps.cfg.Log
	tick := time.NewTicker(pruneEvery)
	defer tick.Stop()
	for {
		n, err := m.deps.index.Prune(time.Now().Add(-retention))
		switch {
		case err != nil:
			log.Error("pruning the message index", "err", err)
		case n > 0:
			log.Info("pruned the message index", "removed", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
