package commands

import (
	"context"
	"fmt"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// pendingWrites is handler data that carries writes of its own (a send's
// raw message for the cache): they are committed in the transaction that
// records and audits the result, so a command costs one fsync and either
// all of it is kept or none.
type pendingWrites interface{ pending() []store.Write }

func pendingOf(data any) []store.Write {
	if p, ok := data.(pendingWrites); ok {
		return p.pending()
	}
	return nil
}

// record ends an effect command: the idempotency record, the result's
// outbox entry and the handler's pending writes commit together. The result
// id derives from the key and the record's time (recordedID), so every
// answer to this execution carries it.
func (d *Dispatcher) record(ctx context.Context, c Call, cc checked, key string, data any, err error) Result {
	rec := record{Name: c.Name, Fingerprint: cc.fingerprint, Stored: d.cfg.Now()}
	id := recordedID(key, rec.Stored)
	ev := d.resultEvent(c.Session, c.Name, c.Cmd, id, data, err)
	perr := d.commit(ctx, c, key, rec, ev, pendingOf(data))
	if tooLarge(perr) {
		// Retrying cannot make the result smaller: end the command with a
		// small error result instead (the effect, if any, happened).
		d.log.Warn("command result too large to publish; recording an error instead",
			"session", c.Session, "command", c.Name, "ce_id", c.Cmd.ID(), "err", perr)
		ev = d.resultEvent(c.Session, c.Name, c.Cmd, id, nil, errResultTooLarge(perr))
		perr = d.commit(ctx, c, key, rec, ev, pendingOf(data))
	}
	if perr != nil {
		return d.notKept(c, perr)
	}
	return Result{Event: ev}
}

func errResultTooLarge(err error) error {
	return werr.Wrap(err, werr.KindTooLarge, werr.CodePayloadTooLarge,
		"the result is larger than a NATS message; the command ended without it")
}

// commit writes rec and ev (with also) in one transaction. It is not
// cancelled with ctx: once the handler ran, keeping its outcome matters
// more than the caller's deadline.
func (d *Dispatcher) commit(ctx context.Context, c Call, key string, rec record, ev cloudevent.Event, also []store.Write) error {
	w, err := d.store.write(key, rec, ev)
	if err != nil {
		return err
	}
	writes := append([]store.Write{w}, also...)
	if err := d.cfg.Audit.Put(context.WithoutCancel(ctx), d.cfg.Subjects.Result(c.Session, c.Name), ev, writes...); err != nil {
		return fmt.Errorf("recording result of %s: %w", c.Name, err)
	}
	return nil
}

// unrecorded answers a delivery without keeping its outcome for later
// deliveries. A durable delivery's transient failure writes nothing: the
// command is redelivered and its one result comes later. Anything else ends
// this delivery and goes to the audit trail (over rpc, the caller has it
// and the trail must too), a durable delivery's under an id derived from
// it (deliveryID), so a redelivery after a lost ack adds no second result.
// Queries never come here.
func (d *Dispatcher) unrecorded(ctx context.Context, c Call, data any, err error) Result {
	id := deliveryID(c)
	ev := d.resultEvent(c.Session, c.Name, c.Cmd, id, data, err)
	retry := retryable(err)
	if (c.Durable && retry) || !auditable(c) {
		return Result{Event: ev, Retryable: retry}
	}
	perr := d.audit(ctx, c, ev)
	if tooLarge(perr) {
		ev = d.resultEvent(c.Session, c.Name, c.Cmd, id, nil, errResultTooLarge(perr))
		perr = d.audit(ctx, c, ev)
	}
	if perr != nil {
		return d.notKept(c, perr)
	}
	return Result{Event: ev, Retryable: retry}
}

func (d *Dispatcher) audit(ctx context.Context, c Call, ev cloudevent.Event) error {
	if err := d.cfg.Audit.Put(context.WithoutCancel(ctx), d.cfg.Subjects.Result(c.Session, c.Name), ev); err != nil {
		return fmt.Errorf("auditing result of %s: %w", c.Name, err)
	}
	return nil
}

// auditable: a result subject exists only for a valid session and a name.
func auditable(c Call) bool { return ident.ValidSession(c.Session) && c.Name != "" }

// notKept answers a delivery whose outcome could not be written: the caller
// must not take it as the command's end, so it is retryable (a retry runs
// the handler again, whose ids derive from the key).
func (d *Dispatcher) notKept(c Call, err error) Result {
	d.log.Error("keeping command result", "session", c.Session, "command", c.Name, "ce_id", c.Cmd.ID(), "ce_type", c.Cmd.Type(), "err", err)
	err = werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "the result could not be kept; retry the command with the same id")
	return Result{Event: d.resultEvent(c.Session, c.Name, c.Cmd, "", nil, err), Retryable: true}
}

// tooLarge reports whether the audit sink refused a result as too large
// for a NATS message (the outbox says so with KindTooLarge): retrying
// cannot help.
func tooLarge(err error) bool { return err != nil && werr.KindOf(err) == werr.KindTooLarge }
