package transport

import (
	"sync"
	"time"
)

// gate admits commands until it is closed and lets Close wait for the
// admitted ones.
type gate struct {
	mu       sync.RWMutex
	closing  bool
	inflight sync.WaitGroup
}

// enter admits one command unless the gate is closing; every true must be
// followed by leave.
func (g *gate) enter() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closing {
		return false
	}
	g.inflight.Add(1)
	return true
}

func (g *gate) leave() { g.inflight.Done() }

func (g *gate) isClosing() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.closing
}

// close refuses new commands and waits up to timeout for admitted ones;
// it reports whether they all finished.
func (g *gate) close(timeout time.Duration) bool {
	g.mu.Lock()
	g.closing = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { g.inflight.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}
