package commands

import (
	"context"
	"errors"
	"time"

	"github.com/wabridge/wabridge/internal/werr"
)

// Dispatch runs one delivered command and writes its result to the audit
// trail as CONTRACT §4/§6 say. It always returns a result event; failures
// are results.
//
// Queries run and answer; nothing is kept or audited. Effects are
// serialised per idempotency key and answered from the key's record when
// there is one; otherwise the handler runs, and a final outcome is recorded
// and audited in one transaction, with the handler's pending writes.
func (d *Dispatcher) Dispatch(ctx context.Context, c Call) (res Result) {
	defer d.observe(c.Name, time.Now(), &res)
	ctx, span := d.startSpan(ctx, c) // tracing.go
	defer d.endSpan(ctx, span, c, &res)
	cc, err := d.check(c)
	if err != nil {
		d.logRejected(c, err)
		if spec, ok := d.specs[c.Name]; !ok || spec.IsQuery() {
			// Not audited: queries never are, and an unknown name's
			// result subject is one the caller made up.
			return Result{Event: d.resultEvent(c.Session, c.Name, c.Cmd, "", nil, err)}
		}
		return d.unrecorded(ctx, c, nil, err)
	}
	if cc.spec.IsQuery() {
		return d.query(ctx, c, cc)
	}
	return d.effect(ctx, c, cc)
}

// query runs a command that only reads.
func (d *Dispatcher) query(ctx context.Context, c Call, cc checked) Result {
	if err := d.expired(cc); err != nil {
		return Result{Event: d.resultEvent(c.Session, c.Name, c.Cmd, "", nil, err)}
	}
	data, err := d.runOn(ctx, c, cc, IdempotencyKey(c.Session, c.Cmd))
	return Result{Event: d.resultEvent(c.Session, c.Name, c.Cmd, "", data, err), Retryable: retryable(err)}
}

// effect runs a command that changes something, at most once per key.
func (d *Dispatcher) effect(ctx context.Context, c Call, cc checked) Result {
	key := IdempotencyKey(c.Session, c.Cmd)
	unlock, err := d.locks.lock(ctx, key)
	if err != nil {
		err = werr.Wrap(err, werr.KindTimeout, werr.CodeTimeout, "gave up waiting for an earlier delivery of the same command")
		return d.unrecorded(ctx, c, nil, err)
	}
	defer unlock()
	if res, ok := d.replay(ctx, c, cc, key); ok {
		return res
	}
	if err := d.expired(cc); err != nil {
		if c.Durable {
			// The command ends here, for this and every later delivery.
			return d.record(ctx, c, cc, key, nil, err)
		}
		return d.unrecorded(ctx, c, nil, err)
	}
	data, err := d.runOn(ctx, c, cc, key)
	if final(err) {
		return d.record(ctx, c, cc, key, data, err)
	}
	return d.unrecorded(ctx, c, data, err)
}

// runOn finds the session and runs the handler on it.
func (d *Dispatcher) runOn(ctx context.Context, c Call, cc checked, key string) (any, error) {
	sess, err := d.cfg.Sessions.Get(c.Session)
	if err != nil {
		// Not recorded (sessionError is never final): the command never
		// reached a session, so it had no effect, and its key stays free.
		// Over rpc the caller may send it again once the session exists.
		// A durable delivery is redelivered only for a transient error;
		// SESSION_NOT_FOUND is not one, so it ends with this audited
		// result and is acked, and a session made later never runs it.
		return nil, sessionError(c.Session, err)
	}
	env := Env{Session: sess, SessionName: c.Session, Key: key, Command: c.Cmd}
	return d.run(ctx, cc.spec, env, cc.payload)
}

// replay answers from the idempotency record, if one is there.
func (d *Dispatcher) replay(ctx context.Context, c Call, cc checked, key string) (Result, bool) {
	rec, ev, ok, err := d.store.get(key, d.cfg.Now().Add(-d.cfg.Retention))
	if err != nil {
		d.log.Error("reading idempotency record", "session", c.Session, "ce_id", c.Cmd.ID(), "err", err)
		return d.unrecorded(ctx, c, nil, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "internal error")), true
	}
	if !ok {
		return Result{}, false
	}
	if rec.Name != c.Name || rec.Fingerprint != cc.fingerprint {
		return d.unrecorded(ctx, c, nil, conflict(rec, c.Name)), true
	}
	return Result{Event: ev, Replayed: true}, true
}

// conflict is the answer to a key reused for something else: never a
// replayed success for a command whose effect did not happen.
func conflict(rec record, name string) error {
	if rec.Name != name {
		return werr.New(werr.KindConflict, werr.CodeIdempotencyConflict,
			"source and id were already used by command %s of this session; give each command its own id", rec.Name)
	}
	return werr.New(werr.KindConflict, werr.CodeIdempotencyConflict,
		"source and id were already used by a %s command with other data; give each command its own id", name)
}

// final reports whether an outcome is kept as the command's answer for every
// later delivery: a success (the effect happened), or input that can never
// succeed. A failure that depends on state (not logged in, not connected, a
// message not known yet, not an admin yet) had no effect, so a later
// delivery runs again.
func final(err error) bool {
	if err == nil {
		return true
	}
	switch werr.KindOf(err) {
	case werr.KindInvalid, werr.KindTooLarge, werr.KindUnsupported, werr.KindExpired:
		return true
	}
	return false
}

func retryable(err error) bool { return err != nil && werr.KindOf(err).Retryable() }

func sessionError(session string, err error) error {
	var we *werr.Error
	if errors.As(err, &we) {
		return err
	}
	return werr.Wrap(err, werr.KindNotFound, werr.CodeSessionNotFound, "session %q not found", session)
}

func (d *Dispatcher) logRejected(c Call, err error) {
	d.log.Info("command rejected", "session", c.Session, "command", c.Name, "ce_id", c.Cmd.ID(), "ce_type", c.Cmd.Type(), "code", werr.From(err).Code)
}
