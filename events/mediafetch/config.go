package mediafetch

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// DefaultDurable is the fetcher's consumer on the events stream.
const DefaultDurable = "mediafetch"

// Config configures a Fetcher.
type Config struct {
	Subjects natsbus.Subjects
	// Stream is the events stream; default Subjects.EventsStream().
	Stream string
	// Durable names the consumer; default DefaultDurable.
	Durable string
	// Sessions are the sessions whose media is fetched; none means all.
	Sessions []string
	Policy   Policy
	// Workers download in parallel; default 2.
	Workers int
	// AckWait is how long a delivered event may go without a sign of
	// progress before JetStream delivers it again (a fetcher killed
	// mid-download); the fetcher signals progress while it works. Default
	// 10 s.
	AckWait time.Duration
	// Attempts bounds the tries of a download failing transiently (the
	// session offline, WhatsApp not answering); then the event is given up
	// and logged. Default 8.
	Attempts int
	// Backoff is the first wait before such a retry, doubling up to
	// MaxBackoff. Defaults 2 s and 5 min.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds one download and store; default 10 min.
	Timeout time.Duration
	Log     *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Stream == "" {
		c.Stream = c.Subjects.EventsStream()
	}
	if c.Durable == "" {
		c.Durable = DefaultDurable
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.AckWait <= 0 {
		c.AckWait = 10 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 8
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Minute
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	for _, s := range c.Sessions {
		if !ident.ValidSession(s) {
			errs = append(errs, fmt.Errorf("media fetcher: invalid session name %q", s))
		}
	}
	if c.Workers > 64 {
		errs = append(errs, fmt.Errorf("media fetcher: %d workers, at most 64", c.Workers))
	}
	if c.MaxBackoff < c.Backoff {
		errs = append(errs, fmt.Errorf("media fetcher: max backoff %s is shorter than backoff %s", c.MaxBackoff, c.Backoff))
	}
	return errors.Join(errs...)
}

// filters are the subjects of the sessions' message events that may carry
// media: received and sent, and history when the policy takes it.
func (c Config) filters() []string {
	sessions := c.Sessions
	if len(sessions) == 0 {
		sessions = []string{"*"}
	}
	types := []string{events.TypeMessageReceived, events.TypeMessageSent}
	if c.Policy.History {
		types = append(types, events.TypeMessageHistory)
	}
	var out []string
	for _, s := range sessions {
		for _, t := range types {
			// wa.<session>.evt.<any chat>.<event>
			subject := c.Subjects.Event(s, "", strings.TrimPrefix(t, events.TypePrefix))
			out = append(out, strings.Replace(subject, ".evt."+natsbus.NoChat+".", ".evt.*.", 1))
		}
	}
	return out
}

// maxAckPending bounds the events delivered and not yet settled. Events
// waiting out a retry's backoff count among them, so the bound is far above
// the workers' batch: a few of them (one session's downloads failing for a
// while) must not stop the media of all the others. The workers' pull
// batch, not this, bounds what is downloaded at once.
const maxAckPending = 1000

// consumerConfig is the durable pull consumer, created explicitly so that
// nothing at stop deletes it. A new one starts with the events published
// from then on: media of older events is downloaded on demand, not all at
// once when the fetcher is first switched on.
func (c Config) consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        c.Durable,
		Description:    "wabridge media fetcher",
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.AckWait,
		MaxAckPending:  maxAckPending,
		FilterSubjects: c.filters(),
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	}
}
