package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// The magic numbers of CONTRACT §8: phone numbers with these prefixes let
// users' CI provoke WhatsApp's failures, as test card numbers do at payment
// providers. Every other well-formed number is a WhatsApp user.
const (
	// NotOnWhatsAppPrefix: the number has no WhatsApp account.
	NotOnWhatsAppPrefix = "999"
	// RateLimitedPrefix: WhatsApp answers every send with a rate limit.
	RateLimitedPrefix = "998"
	// SlowPrefix: WhatsApp takes Config.SlowAck to acknowledge a send.
	SlowPrefix = "997"

	// DefaultSlowAck is how long a send to a SlowPrefix number waits for
	// its acknowledgement.
	DefaultSlowAck = 10 * time.Second
)

// The statuses WhatsApp's server answers a refused send with; whatsmeow
// returns them as ErrServerReturnedError followed by the number.
const (
	statusNotFound    = 404
	statusRateLimited = 429
)

func phoneWithPrefix(jid types.JID, prefix string) bool {
	return jid.Server == types.DefaultUserServer && strings.HasPrefix(jid.User, prefix)
}

// serverRefusal is the error whatsmeow's SendMessage returns when the server
// acknowledges a message with an error code.
func serverRefusal(status int, cause error) error {
	if cause == nil {
		return fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, status)
	}
	return fmt.Errorf("%w %d (%w)", whatsmeow.ErrServerReturnedError, status, cause)
}

// awaitAck is the wait for the server's acknowledgement of a send: at once,
// except for the slow numbers. Like whatsmeow, it gives up with ctx's error
// when ctx ends first.
func (c *Client) awaitAck(ctx context.Context, to types.JID) error {
	if !phoneWithPrefix(to, SlowPrefix) {
		return ctx.Err()
	}
	timer := time.NewTimer(c.net.cfg.SlowAck)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
