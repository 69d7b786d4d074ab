package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/wabridge/wabridge/internal/store"

	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/schemas"
)

// Defaults of DispatcherConfig.
const (
	DefaultRetention     = 7 * 24 * time.Hour
	DefaultMaxDataBytes  = 1 << 20 // NATS' default max_payload; media travel by reference
	DefaultPruneInterval = time.Hour
)

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	Sessions Sessions
	DB       *store.DB
	Schemas  *schemas.Set
	Log      *slog.Logger
	Now      func() time.Time
	// Retention is how long a command's result is kept to answer its
	// redeliveries; a command redelivered later runs again.
	Retention time.Duration
	// MaxDataBytes bounds the data of one command.
	MaxDataBytes int
	// PruneInterval is how often Run removes expired idempotency records.
	PruneInterval time.Duration
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
	if c.Retention < 0 || c.MaxDataBytes < 0 || c.PruneInterval < 0 {
		errs = append(errs, errors.New("Retention, MaxDataBytes and PruneInterval must not be negative"))
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
// schema, creates the idempotency buckets and removes expired records.
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
		specs[s.Name] = s
	}
	store, err := openIdemStore(cfg.DB)
	if err != nil {
		return nil, err
	}
	d := &Dispatcher{cfg: cfg, log: cfg.Log, specs: specs, store: store, locks: newKeyLocks()}
	if _, err := d.Prune(); err != nil {
		return nil, err
	}
	return d, nil
}

// Result of one execution.
type Result struct {
	Event cloudevent.Event
	// Retryable: a transient failure, not recorded; a retry may succeed.
	Retryable bool
	// Replayed: answered from the idempotency record of an earlier delivery.
	Replayed bool
}

// IdempotencyKey is the key of a command: CloudEvents promise that source
// and id together identify one event.
func IdempotencyKey(cmd cloudevent.Event) string { return cmd.Source() + "\x00" + cmd.ID() }

// Execute runs one command addressed (by its NATS subject or REST route) to
// session and name. It always returns a result event; failures are results.
func (d *Dispatcher) Execute(ctx context.Context, session, name string, cmd cloudevent.Event) Result {
	spec, payload, err := d.check(session, name, cmd)
	if err != nil {
		d.logRejected(session, name, cmd, err)
		return Result{Event: d.resultEvent(session, name, cmd, "", nil, err)}
	}
	key := IdempotencyKey(cmd)
	unlock, err := d.locks.lock(ctx, key)
	if err != nil {
		err = werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "gave up waiting for an earlier delivery of the same command")
		return Result{Event: d.resultEvent(session, name, cmd, "", nil, err), Retryable: true}
	}
	defer unlock()
	if res, ok := d.replay(session, name, cmd, key); ok {
		return res
	}
	sess, err := d.cfg.Sessions.Get(session)
	if err != nil {
		// Not recorded: the command never reached a session, so it had no
		// effect, and the session may exist by the time it is retried.
		err = sessionError(session, err)
		return Result{Event: d.resultEvent(session, name, cmd, "", nil, err), Retryable: werr.KindOf(err).Retryable()}
	}
	env := Env{Session: sess, SessionName: session, Key: key, Command: cmd}
	data, err := d.run(ctx, spec, env, payload)
	if spec.Volatile || !final(err) {
		// Only a recorded (final) result takes the id derived from the key:
		// the outbox publishes results with Nats-Msg-Id = id, and a later
		// attempt's success must not be deduplicated away as a repeat of
		// this failure.
		return Result{Event: d.resultEvent(session, name, cmd, "", data, err), Retryable: err != nil && werr.KindOf(err).Retryable()}
	}
	ev := d.resultEvent(session, name, cmd, key, data, err)
	if perr := d.store.put(key, record{Session: session, Name: name, Stored: d.cfg.Now()}, ev); perr != nil {
		// The effect happened; answering is better than failing. A
		// redelivery runs the handler again, whose ids derive from the key.
		d.log.Error("recording command result", "session", session, "ce_id", cmd.ID(), "ce_type", cmd.Type(), "err", perr)
	}
	return Result{Event: ev}
}

// final reports whether an outcome is kept as the command's answer for every
// later delivery: a success (the effect happened), or input that can never
// succeed. A failure that depends on state (not logged in, not connected, a
// message not known yet) had no effect, so a later delivery runs again.
func final(err error) bool {
	if err == nil {
		return true
	}
	switch werr.KindOf(err) {
	case werr.KindInvalid, werr.KindTooLarge:
		return true
	}
	return false
}

// replay answers from the idempotency record, if one is there.
func (d *Dispatcher) replay(session, name string, cmd cloudevent.Event, key string) (Result, bool) {
	rec, ev, ok, err := d.store.get(key, d.cfg.Now().Add(-d.cfg.Retention))
	if err != nil {
		d.log.Error("reading idempotency record", "session", session, "ce_id", cmd.ID(), "err", err)
		err = werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "internal error")
		return Result{Event: d.resultEvent(session, name, cmd, "", nil, err), Retryable: true}, true
	}
	if !ok {
		return Result{}, false
	}
	if rec.Session != session || rec.Name != name {
		err := werr.New(werr.KindConflict, CodeIdempotencyConflict,
			"source and id were already used by command %s of session %s; give each command its own id", rec.Name, rec.Session)
		return Result{Event: d.resultEvent(session, name, cmd, "", nil, err)}, true
	}
	return Result{Event: ev, Replayed: true}, true
}

// CodeIdempotencyConflict: a command reused the source and id of a different
// command (another name or session). Its result is not recorded.
const CodeIdempotencyConflict = "IDEMPOTENCY_CONFLICT"

func sessionError(session string, err error) error {
	var we *werr.Error
	if errors.As(err, &we) {
		return err
	}
	return werr.Wrap(err, werr.KindNotFound, werr.CodeSessionNotFound, "session %q not found", session)
}

// Reject builds the error result for input that never became a command,
// e.g. a message that is not a CloudEvent. err is normally a *werr.Error.
func (d *Dispatcher) Reject(session, name string, err error) cloudevent.Event {
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

func (d *Dispatcher) logRejected(session, name string, cmd cloudevent.Event, err error) {
	d.log.Info("command rejected", "session", session, "command", name, "ce_id", cmd.ID(), "ce_type", cmd.Type(), "code", werr.From(err).Code)
}
