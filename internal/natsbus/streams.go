package natsbus

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of StreamsConfig.
const (
	// DefaultDuplicates is long enough that a bridge which died between its
	// PubAcks and deleting those entries from its outbox, and comes back
	// within the hour, re-publishes them without storing them twice. The
	// server keeps every id of the window in memory, which at WhatsApp
	// event rates is small.
	DefaultDuplicates     = time.Hour
	DefaultCommandsMaxAge = 7 * 24 * time.Hour
	// The audit log is bounded unless configured otherwise, so that a
	// forgotten deployment does not fill its disk; the oldest events go first.
	DefaultEventsMaxAge   = 30 * 24 * time.Hour
	DefaultEventsMaxBytes = 10 << 30
	// Unlimited as EventsMaxAge or EventsMaxBytes lifts the bound.
	Unlimited = -1
)

// StreamsConfig shapes WA_COMMANDS and WA_EVENTS.
type StreamsConfig struct {
	Prefix   string
	Replicas int // default 1
	// EventsMaxAge bounds how long WA_EVENTS (the audit log) keeps events;
	// default DefaultEventsMaxAge (30 days), negative (Unlimited) = forever.
	EventsMaxAge time.Duration
	// EventsMaxBytes bounds WA_EVENTS's size, the oldest events discarded
	// first; default DefaultEventsMaxBytes (10 GiB), negative (Unlimited) =
	// no bound.
	EventsMaxBytes int64
	// CommandsMaxAge bounds WA_COMMANDS; default 7 days. Idempotency records
	// should live at least as long, so a consumer re-reading the stream from
	// its start has every command's effect once.
	CommandsMaxAge time.Duration
	// Duplicates is the Nats-Msg-Id deduplication window of both streams;
	// default DefaultDuplicates, or the shorter MaxAge.
	Duplicates time.Duration
	Storage    jetstream.StorageType // default file
}

func (c *StreamsConfig) setDefaults() {
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.CommandsMaxAge == 0 {
		c.CommandsMaxAge = DefaultCommandsMaxAge
	}
	if c.EventsMaxAge == 0 {
		c.EventsMaxAge = DefaultEventsMaxAge
	}
	if c.EventsMaxBytes == 0 {
		c.EventsMaxBytes = DefaultEventsMaxBytes
	}
	if c.Duplicates == 0 {
		// An unset window shrinks to fit a short MaxAge instead of making
		// the configuration invalid; only an explicit window can conflict.
		c.Duplicates = min(DefaultDuplicates, c.CommandsMaxAge)
		if c.EventsMaxAge > 0 {
			c.Duplicates = min(c.Duplicates, c.EventsMaxAge)
		}
	}
}

// eventsLimits are WA_EVENTS's MaxAge and MaxBytes as JetStream spells
// "unlimited" (0 and -1).
func (c StreamsConfig) eventsLimits() (time.Duration, int64) {
	age, size := c.EventsMaxAge, c.EventsMaxBytes
	if age < 0 {
		age = 0
	}
	if size < 0 {
		size = -1
	}
	return age, size
}

// Validate reports every problem of the configuration, zero values standing
// for their defaults. JetStream refuses a dedup window longer than MaxAge.
func (c StreamsConfig) Validate() error {
	c.setDefaults()
	var errs []error
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("streams: replicas %d out of range 1..5", c.Replicas))
	}
	if c.CommandsMaxAge < 0 || c.Duplicates < 0 {
		errs = append(errs, errors.New("streams: commands max age and duplicates window must not be negative"))
	}
	if c.EventsMaxAge > 0 && c.Duplicates > c.EventsMaxAge {
		errs = append(errs, fmt.Errorf("streams: duplicates window %s exceeds events max age %s", c.Duplicates, c.EventsMaxAge))
	}
	if c.Duplicates > c.CommandsMaxAge {
		errs = append(errs, fmt.Errorf("streams: duplicates window %s exceeds commands max age %s", c.Duplicates, c.CommandsMaxAge))
	}
	if c.Storage != jetstream.FileStorage && c.Storage != jetstream.MemoryStorage {
		errs = append(errs, fmt.Errorf("streams: unknown storage type %d", c.Storage))
	}
	return errors.Join(errs...)
}

// StreamConfigs returns the configurations EnsureStreams applies, commands first.
//
// WA_COMMANDS uses Limits retention, not WorkQueue: a work queue allows only
// one consumer per subject, which would reject a second node's consumer
// while a session moves between nodes and any inspecting consumer; and a
// command kept beside its result in WA_EVENTS completes the audit trail.
// Re-delivery is harmless because commands are idempotent by id+source.
//
// rpc subjects are deliberately in no stream: a stream covering a subject
// answers core requests on it with its PubAck before any responder.
func (c StreamsConfig) StreamConfigs() []jetstream.StreamConfig {
	c.setDefaults()
	s := Subjects{Prefix: c.Prefix}
	eventsAge, eventsBytes := c.eventsLimits()
	return []jetstream.StreamConfig{
		{
			Name:        s.CommandsStream(),
			Description: "wabridge durable commands and poisoned commands",
			Subjects:    []string{s.All("cmd"), s.Poison()},
			Retention:   jetstream.LimitsPolicy,
			MaxAge:      c.CommandsMaxAge,
			MaxBytes:    -1,
			Duplicates:  c.Duplicates,
			Storage:     c.Storage,
			Replicas:    c.Replicas,
		},
		{
			Name:        s.EventsStream(),
			Description: "wabridge WhatsApp events and command results (the audit log)",
			Subjects:    []string{s.All("evt"), s.All("result")},
			Retention:   jetstream.LimitsPolicy,
			MaxAge:      eventsAge,
			MaxBytes:    eventsBytes,
			Discard:     jetstream.DiscardOld,
			Duplicates:  c.Duplicates,
			Storage:     c.Storage,
			Replicas:    c.Replicas,
		},
	}
}
