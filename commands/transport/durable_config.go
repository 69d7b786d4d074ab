package transport

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// DefaultDurable is the name prefix of the JetStream consumers; each
// session has its own, see ConsumerName.
const DefaultDurable = "wabridge-commands"

// consumerConfig is the durable consumer of one session's commands, as
// Durable creates it: explicitly, so that no client library owns it and
// deletes it when its subscription ends.
func (c DurableConfig) consumerConfig(session string) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       ConsumerName(c.Durable, session),
		Description:   "wabridge durable commands of session " + session,
		FilterSubject: c.Subjects.Cmd(session, ">"),
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.AckWait,
		// -1: a command waiting for its session to connect is offered
		// again until its lifetime ends it, never dropped by JetStream.
		MaxDeliver:    -1,
		MaxAckPending: c.MaxAckPending,
	}
}

// ConsumerName is the durable consumer of one session's commands. Each
// session has its own consumer, filtered on wa.<session>.cmd.>, so only the
// process running a session consumes its commands; processes running the
// same session (a handover) share that consumer's work.
func ConsumerName(durable, session string) string { return durable + "-" + session }

// DurableConfig configures a Durable.
//
// The durable consumer opens its own connections from URL and Options
// (nats.InProcessServer(s) among Options reaches an embedded server):
// watermill-nats drains or closes the connection it is given when it
// closes, which must not happen to the bridge's shared connection.
type DurableConfig struct {
	URL     string
	Options []nats.Option

	Subjects natsbus.Subjects
	// Sessions are the sessions this process runs; only their commands
	// are consumed (one consumer per session, see ConsumerName). Required.
	Sessions []string
	// Stream holds the commands; default Subjects.CommandsStream()
	// (WA_COMMANDS for the prefix wa).
	Stream string
	// Durable prefixes the consumer names and queue groups; default
	// DefaultDurable.
	Durable string
	// Concurrency is how many commands of one session are handled at
	// once; default 1. With MaxAckPending 1 (the default) a session's
	// durable commands take effect strictly in the order they were
	// published, also across redeliveries while the session is offline:
	// users expect "step 1, 2, 3" to arrive in that order.
	Concurrency int
	// MaxAckPending bounds the commands of one session delivered but not
	// yet acked, over all processes sharing its consumer; default 1 (see
	// Concurrency). Raise both for throughput where order does not matter.
	// JetStream's AckWait runs from delivery, so commands waiting in a
	// client's buffer must not outnumber what can be handled within
	// AckWait. Commands waiting for a delayed redelivery count too.
	MaxAckPending int
	// Timeout bounds one execution of a command; default 30s.
	Timeout time.Duration
	// MaxRetries is how often an internal error is retried in-process
	// before the command is handed back to JetStream like any other
	// transient failure; default 3, and a negative value means no retries.
	// Failures that depend on WhatsApp (not connected, rate limited,
	// upstream error, timeout) are not retried in-process. Either way the
	// redeliveries end with the command's lifetime, when the dispatcher
	// answers EXPIRED.
	MaxRetries int
	// RetryInterval is the first wait between retries, doubled each time
	// up to RetryMaxInterval; defaults 500ms and 5s.
	RetryInterval    time.Duration
	RetryMaxInterval time.Duration
	// AckWait is how long JetStream waits for the ack before it redelivers.
	// It must cover every in-process retry of one command; by default it
	// does, with room to spare.
	AckWait time.Duration
	// RedeliveryDelay is how long a command handed back to JetStream (a
	// failure that depends on WhatsApp, a result that could not be
	// recorded, a refusal while shutting down) waits before it is offered
	// again. It doubles with every delivery of the command up to
	// RedeliveryMaxDelay; defaults 2s and 1m.
	RedeliveryDelay    time.Duration
	RedeliveryMaxDelay time.Duration
	// CloseTimeout bounds how long Close waits for running commands;
	// default 30s.
	CloseTimeout time.Duration
	// Now is the clock Backlog measures ages with; default time.Now.
	Now func() time.Time
}

func (c *DurableConfig) setDefaults() {
	if c.Stream == "" {
		c.Stream = c.Subjects.CommandsStream()
	}
	if c.Durable == "" {
		c.Durable = DefaultDurable
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = c.Concurrency
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 3
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = 500 * time.Millisecond
	}
	if c.RetryMaxInterval == 0 {
		c.RetryMaxInterval = 5 * time.Second
	}
	if c.AckWait == 0 {
		c.AckWait = c.retryBudget() + 30*time.Second
	}
	if c.RedeliveryDelay == 0 {
		c.RedeliveryDelay = 2 * time.Second
	}
	if c.RedeliveryMaxDelay == 0 {
		c.RedeliveryMaxDelay = time.Minute
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = 30 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// retryBudget is the longest one command can take through all its retries.
func (c DurableConfig) retryBudget() time.Duration {
	total := time.Duration(c.MaxRetries+1) * c.Timeout
	wait := c.RetryInterval
	for range c.MaxRetries {
		// The backoff randomises each wait by up to ±50%.
		total += wait + wait/2
		wait = min(wait*2, c.RetryMaxInterval)
	}
	return total
}

// Validate reports every invalid field.
func (c DurableConfig) Validate() error {
	errs := validateSessions("durable", c.Sessions)
	if c.URL == "" && len(c.Options) == 0 {
		errs = append(errs, errors.New("durable: URL or Options must say how to reach NATS"))
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("durable: Concurrency must be positive, got %d", c.Concurrency))
	}
	if c.MaxAckPending < c.Concurrency {
		errs = append(errs, fmt.Errorf("durable: MaxAckPending %d must be at least Concurrency %d", c.MaxAckPending, c.Concurrency))
	}
	for name, d := range map[string]time.Duration{
		"Timeout": c.Timeout, "RetryInterval": c.RetryInterval, "RetryMaxInterval": c.RetryMaxInterval,
		"RedeliveryDelay": c.RedeliveryDelay, "RedeliveryMaxDelay": c.RedeliveryMaxDelay, "CloseTimeout": c.CloseTimeout,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("durable: %s must not be negative, got %s", name, d))
		}
	}
	// A command still retrying when AckWait ends would be delivered a
	// second time, to another process, while the first one still runs.
	if budget := c.retryBudget(); c.AckWait <= budget {
		errs = append(errs, fmt.Errorf("durable: AckWait %s must exceed the retry budget %s ((MaxRetries+1) × Timeout + backoff)", c.AckWait, budget))
	}
	return errors.Join(errs...)
}

// redeliveryBackoff is the wait before JetStream offers a nacked command
// again: RedeliveryDelay after the first delivery, doubled with each
// further one, capped at RedeliveryMaxDelay. The delivery count comes from
// JetStream, so the backoff survives restarts and process changes.
type redeliveryBackoff struct{ first, max time.Duration }

func (b redeliveryBackoff) WaitTime(delivered uint64) time.Duration {
	wait := b.first
	for n := uint64(1); n < delivered && wait < b.max; n++ {
		wait *= 2
	}
	return min(wait, b.max)
}
