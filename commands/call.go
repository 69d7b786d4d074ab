package commands

import (
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
	// its lifetime (DispatcherConfig.Lifetime, unless the command carries
	// the expirytime extension) runs from here. Zero means unknown: then
	// only an expirytime ends the command.
	Published time.Time
	// Sequence is the command's stream sequence (durable only; 0 unknown).
	// A redelivery has the same one, so a result audited but not recorded
	// gets an id derived from it, and a lost ack does not make two results.
	Sequence uint64
	// Trusted: the call carries a valid signature of a REST adapter of the
	// deployment (natsbus.VerifySignature), which may use sources under
	// /wabridge/; a NATS caller claiming one is refused.
	Trusted bool
}

// ReservedSourcePrefix starts the sources that belong to the bridge itself
// (the REST adapter's callers' namespaces, CONTRACT §3).
const ReservedSourcePrefix = "/wabridge/"
