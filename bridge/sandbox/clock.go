package sandbox

import (
	"fmt"
	"sync"
	"time"
)

// clock is the simulated network's time: the host's clock plus what tests
// advanced it by (POST /sandbox/clock), so WhatsApp's time limits (the
// 15-minute edit window) can be crossed without waiting. The zero value
// is the host's clock.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the network's clock forward by d and returns its new time.
// The clock never goes back: timestamps already given stay in the past.
func (n *Network) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("the sandbox clock only moves forward, not by %s", d)
	}
	n.clock.mu.Lock()
	n.clock.offset += d
	n.clock.mu.Unlock()
	return n.clock.now(), nil
}

// Now is the network's time, which the bridge uses for WhatsApp's time
// limits in place of its own clock.
func (c *Client) Now() time.Time { return c.net.clock.now() }
