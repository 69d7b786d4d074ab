package commands

import (
	"time"

	"github.com/cloudevents/sdk-go/v2/types"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// expiry is when c stops being worth running (CONTRACT §3): its expirytime
// extension, else, for a durable command, Lifetime after it was published.
// Zero means never: an rpc caller waits for its answer and gives up on its
// own.
func (d *Dispatcher) expiry(c Call) (time.Time, error) {
	if v, ok := c.Cmd.Extensions()[ident.ExtExpiryTime]; ok {
		t, err := types.ToTime(v)
		if err != nil {
			return time.Time{}, werr.Invalid(werr.CodeInvalidCloudEvent, "extension %s %q is not an RFC 3339 time: %v", ident.ExtExpiryTime, v, err)
		}
		return t, nil
	}
	if !c.Durable || c.Published.IsZero() {
		return time.Time{}, nil
	}
	return c.Published.Add(d.cfg.Lifetime), nil
}

// expired is the EXPIRED error of a command past its expiry, or nil.
func (d *Dispatcher) expired(cc checked) error {
	if cc.expires.IsZero() || d.cfg.Now().Before(cc.expires) {
		return nil
	}
	return werr.New(werr.KindExpired, werr.CodeExpired, "the command expired at %s before it could take effect",
		cc.expires.UTC().Format(time.RFC3339))
}
