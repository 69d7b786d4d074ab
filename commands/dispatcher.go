package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/schemas"
)

// Defaults of DispatcherConfig.
const (
	DefaultRetention     = 7 * 24 * time.Hour
	DefaultMaxDataBytes  = 1 << 20 // NATS' default max_payload; media travel by reference
	DefaultPruneInterval = time.Hour
	DefaultLifetime      = 24 * time.Hour
)

// Audit keeps result CloudEvents for publication on their result subject,
// committing the writes in also in the same transaction (one fsync).
type Audit interface {
	Put(ctx context.Context, subject string, ce cloudevent.Event, also ...store.Write) error
}

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	Sessions Sessions
	DB       *store.DB
	Schemas  *schemas.Set
	// Audit takes the result of every effect command (CONTRACT §4) together
	// with its idempotency record; *outbox.Outbox over DB.
	Audit Audit
	// Subjects names the result subjects.
	Subjects natsbus.Subjects
	Log      *slog.Logger
	Now      func() time.Time
	// Retention is how long a command's result is kept to answer its
	// redeliveries; a command redelivered later runs again.
	Retention time.Duration
	// Lifetime is how long after it was published a durable command
	// without expirytime may still take effect (--command-lifetime); past
	// it, it ends with EXPIRED.
	Lifetime time.Duration
	// MaxDataBytes bounds the data of one command.
	MaxDataBytes int
	// PruneInterval is how often Run removes expired idempotency records.
	PruneInterval time.Duration
	// Observer, when set, is told how each delivery ended (metrics).
	Observer Observer
	// Tracing makes each command's span (tracing.go); nil makes none, and
	// a command's trace context still reaches its result.
	Tracing trace.TracerProvider
}

func (c *DispatcherConfig) setDefaults() {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.Lifetime == 0 {
		c.Lifetime = DefaultLifetime
	}
	if c.MaxDataBytes == 0 {
		c.MaxDataBytes = DefaultMaxDataBytes
	}
	if c.PruneInterval == 0 {
		c.PruneInterval = DefaultPruneInterval
	}
}

// Validate reports every missing or impossible setting.
func (c DispatcherConfig) Validate() error {
	var errs []error
	if c.Sessions == nil {
		errs = append(errs, errors.New("Sessions is required"))
	}
	if c.DB == nil {
		errs = append(errs, errors.New("DB is required"))
	}
	if c.Schemas == nil {
		errs = append(errs, errors.New("Schemas is required"))
	}
	if c.Audit == nil {
		errs = append(errs, errors.New("Audit is required"))
	}
	if c.Retention < 0 || c.Lifetime < 0 || c.MaxDataBytes < 0 || c.PruneInterval < 0 {
		errs = append(errs, errors.New("Retention, Lifetime, MaxDataBytes and PruneInterval must not be negative"))
	}
	return errors.Join(errs...)
}

// Dispatcher executes commands: the one path of DESIGN.md.
type Dispatcher struct {
	cfg   DispatcherConfig
	log   *slog.Logger
	specs map[string]Spec
	store *idemStore
	locks *keyLocks
}

// NewDispatcher checks cfg, checks that every command of the catalog has its
// schema and kind, creates the idempotency buckets and removes expired
// records.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuring command dispatcher: %w", err)
	}
	specs := make(map[string]Spec)
	for _, s := range Catalog() {
		if !cfg.Schemas.Has(s.Schema) {
			return nil, fmt.Errorf("command %s: schema %s is not embedded", s.Name, s.Schema)
		}
		if s.Kind != Query && s.Kind != Effect {
			return nil, fmt.Errorf("command %s: neither query nor effect", s.Name)
		}
		specs[s.Name] = s
	}
	store, err := openIdemStore(cfg.DB)
	if err != nil {
		return nil, err
	}
	cfg.Audit = tracedAudit{cfg.Audit} // results carry the command span's traceparent
	d := &Dispatcher{cfg: cfg, log: cfg.Log, specs: specs, store: store, locks: newKeyLocks()}
	if _, err := d.Prune(); err != nil {
		return nil, err
	}
	return d, nil
}

// Result of one delivery.
type Result struct {
	Event cloudevent.Event
	// Retryable: a transient failure, not recorded; a retry may succeed.
	// A durable delivery with Retryable set wrote nothing anywhere.
	Retryable bool
	// Replayed: answered from the idempotency record of an earlier delivery.
	Replayed bool
}

// Reject builds the error result for input that never became a command,
// e.g. a message that is not a CloudEvent. err is normally a *werr.Error.
// Nothing is written: a transport that keeps it does so itself.
func (d *Dispatcher) Reject(session, name string, err error) cloudevent.Event {
	d.observeRejected(name, err)
	return d.resultEvent(session, name, cloudevent.Event{}, "", nil, err)
}

// Prune removes idempotency records older than the retention and reports
// how many it removed.
func (d *Dispatcher) Prune() (int, error) {
	n, err := d.store.prune(d.cfg.Now().Add(-d.cfg.Retention))
	if err != nil {
		return n, fmt.Errorf("pruning idempotency records: %w", err)
	}
	return n, nil
}

// Run prunes expired idempotency records every PruneInterval until ctx is
// done.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.cfg.PruneInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			n, err := d.Prune()
			if err != nil {
				d.log.Error("pruning idempotency records", "err", err)
				continue
			}
			d.log.Debug("pruned idempotency records", "removed", n)
		}
	}
}
