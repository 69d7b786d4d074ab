package main

import (
	"fmt"
	"math"

	"github.com/wabridge/wabridge/bridge"
)

// defaultPresenceSubscriptions is the bridge's default.
const defaultPresenceSubscriptions = bridge.DefaultPresenceSubscriptions

// presenceSubscriptions is --presence-subscriptions in the bridge's terms,
// where zero means its default and a negative number none.
func (c Config) presenceSubscriptions() int {
	if c.PresenceSubscriptions == 0 {
		return -1
	}
	return int(c.PresenceSubscriptions)
}

func (c Config) validatePresence() error {
	if c.PresenceSubscriptions < 0 || c.PresenceSubscriptions > math.MaxInt32 {
		return fmt.Errorf("presence-subscriptions must be between 0 and %d, not %d", math.MaxInt32, c.PresenceSubscriptions)
	}
	return nil
}
