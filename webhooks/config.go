package webhooks

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// Defaults of Config.
const (
	DefaultBackoffMin = time.Second
	DefaultBackoffMax = 10 * time.Minute
	DefaultAckWait    = 30 * time.Second
	// DefaultWindow is how many events of one webhook are taken from the
	// stream ahead of their delivery (the consumer's MaxAckPending): enough
	// for chats to proceed in parallel, few enough that memory stays small.
	DefaultWindow = 256
	// DefaultDeadLetterMaxAge is how long dead letters are kept.
	DefaultDeadLetterMaxAge = 30 * 24 * time.Hour
	// DefaultDeadLetterMaxBytes bounds all webhooks' dead letters together,
	// as WA_EVENTS is bounded by default; the oldest are dropped first.
	DefaultDeadLetterMaxBytes = 10 << 30
	// DefaultLeaseTTL is how long a webhook's lease outlives its holder's
	// last renewal: how long a webhook pauses when its node dies.
	DefaultLeaseTTL = 15 * time.Second
)

// maxNodeID bounds Config.NodeID, which every lease value carries.
const maxNodeID = 128

// Config configures the webhooks service. JS and Log are required.
type Config struct {
	JS       jetstream.JetStream
	Subjects natsbus.Subjects
	Log      *slog.Logger
	// Client makes the deliveries; default NewClient(Timeout).
	Client  *http.Client
	Timeout time.Duration // one attempt; default DefaultTimeout
	// BackoffMin and BackoffMax bound the exponential backoff between
	// attempts (full jitter: a random wait up to the bound).
	BackoffMin, BackoffMax time.Duration
	// AckWait is the consumers' ack wait: after a crash, events that were
	// in delivery come back after it. Events waiting for delivery are
	// reported in progress well within it.
	AckWait time.Duration
	Window  int // default DefaultWindow
	// Replicas of the KV bucket and the dead-letter stream; default 1.
	Replicas           int
	DeadLetterMaxAge   time.Duration
	DeadLetterMaxBytes int64
	// Observer, when set, is told of every delivery outcome (metrics).
	Observer Observer
	// NodeID names this node in the webhooks' leases (GET /webhooks shows
	// the holder); default a random one per Service.
	NodeID string
	// LeaseTTL is how long a webhook's lease lasts unrenewed (renewed
	// every third of it); default DefaultLeaseTTL, the same on every node.
	LeaseTTL time.Duration
}

func (c *Config) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Client == nil {
		c.Client = NewClient(c.Timeout)
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.AckWait <= 0 {
		c.AckWait = DefaultAckWait
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.DeadLetterMaxAge <= 0 {
		c.DeadLetterMaxAge = DefaultDeadLetterMaxAge
	}
	if c.DeadLetterMaxBytes <= 0 {
		c.DeadLetterMaxBytes = DefaultDeadLetterMaxBytes
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.NodeID == "" {
		c.NodeID = randomNodeID()
	}
}

// Validate reports every problem at once, zero values meaning defaults.
func (c Config) Validate() error {
	c.setDefaults()
	var errs []error
	if c.JS == nil {
		errs = append(errs, errors.New("webhooks: JS is required"))
	}
	if c.Log == nil {
		errs = append(errs, errors.New("webhooks: Log is required"))
	}
	if c.BackoffMin > c.BackoffMax {
		errs = append(errs, errors.New("webhooks: backoff minimum exceeds its maximum"))
	}
	if c.AckWait < time.Second {
		errs = append(errs, errors.New("webhooks: ack wait must be at least 1s"))
	}
	if c.LeaseTTL < time.Second {
		errs = append(errs, errors.New("webhooks: lease TTL must be at least 1s"))
	}
	if err := CheckNodeID(c.NodeID); err != nil {
		errs = append(errs, fmt.Errorf("webhooks: %w", err))
	}
	return errors.Join(errs...)
}

// bucket is the KV bucket of webhooks: WA_WEBHOOKS under the prefix wa.
func (c Config) bucket() string {
	return strings.TrimSuffix(c.Subjects.EventsStream(), "_EVENTS") + "_WEBHOOKS"
}

// CheckNodeID reports a node id unfit for the lease values (empty is
// fine: a random one is taken).
func CheckNodeID(id string) error {
	if len(id) > maxNodeID || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("node id must be at most %d bytes without control characters", maxNodeID)
	}
	return nil
}

// leaseBucket holds the webhooks' leases: WA_WEBHOOK_LEASES under the
// prefix wa.
func (c Config) leaseBucket() string {
	return strings.TrimSuffix(c.Subjects.EventsStream(), "_EVENTS") + "_WEBHOOK_LEASES"
}

// deadStream holds every webhook's dead letters, on subjects outside
// WA_EVENTS' (their second token cannot be a session name).
func (c Config) deadStream() string { return c.bucket() + "_DEAD" }

// deadSubject is where id's dead letters go: <prefix>._webhooks.dead.<id>
// (the third token is fixed, so no wildcard of it meets WA_EVENTS' or
// WA_COMMANDS' subjects).
func (c Config) deadSubject(id string) string {
	return strings.TrimSuffix(c.Subjects.Poison(), "._poison.cmd") + "._webhooks.dead." + id
}

// consumerName is the durable consumer of webhook id on WA_EVENTS.
func consumerName(id string) string { return "webhook_" + id }

// DefaultDedup is the dead-letter stream's duplicate window: a dead
// letter written twice (a crash between writing it and acking the event)
// is stored once.
const DefaultDedup = 2 * time.Hour
