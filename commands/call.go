package commands

import (
	"context"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
)

// Call is one delivery of a command as a transport received it.
type Call struct {
	Session string // from the NATS subject or REST route
	Name    string // command name, e.g. "send.message"
	Cmd     cloudevent.Event
	// Durable: delivered from the commands stream. A final result is
	// recorded with the idempotency record in one transaction; a transient
	// failure is not written anywhere (JetStream redelivers the command)
	// until the command's lifetime is over, when it ends with EXPIRED.
	Durable bool
	// Published is when the command entered the stream (durable only);
	// its lifetime (--command-lifetime, or the expirytime extension) runs
	// from here.
	Published time.Time
	// Trusted: the call came from this process's REST adapter, which may
	// use sources under /wabridge/; a NATS caller claiming one is refused.
	Trusted bool
}

// Dispatch runs one delivered command and writes its result to the audit
// trail as CONTRACT §4/§6 say. It always returns a result event.
func (d *Dispatcher) Dispatch(ctx context.Context, c Call) Result {
	return d.Execute(ctx, c.Session, c.Name, c.Cmd)
}
