package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// errShuttingDown refuses a command that arrived after Close began; the
// router nacks it and JetStream offers it again after RedeliveryDelay.
var errShuttingDown = errors.New("durable: shutting down")

// retryableError is an internal error a later attempt may cure. It is
// retried in-process; when every retry failed, settle hands the command
// back to JetStream like any other transient failure.
type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// redeliverError is a transient failure (the session is not connected,
// rate limited, WhatsApp fails, or an internal error outlasted its
// retries): JetStream redelivers the command later, with a growing delay,
// and nothing is recorded until an attempt ends the command. The
// dispatcher ends it with EXPIRED once its lifetime is over, so a command
// that can never succeed does not hold its session's queue for ever.
type redeliverError struct{ err error }

func (e redeliverError) Error() string { return e.err.Error() }
func (e redeliverError) Unwrap() error { return e.err }

// poisonError is a failure settle decided to move to the poison subject:
// input the transport itself could not handle.
type poisonError struct{ err error }

func (e poisonError) Error() string { return e.err.Error() }
func (e poisonError) Unwrap() error { return e.err }

// recordError is a rejection that could not be recorded. It is retried,
// but never poisoned: the input is acked only with its rejection recorded.
type recordError struct{ err error }

func (e recordError) Error() string { return e.err.Error() }
func (e recordError) Unwrap() error { return e.err }

// admit is the outermost middleware: it counts commands in flight for
// Close, and acks a handled command itself before Close may proceed to
// closing the subscriber (which would drop a later ack).
func (d *Durable) admit(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		if !d.gate.enter() {
			return nil, errShuttingDown
		}
		defer d.gate.leave()
		out, err := h(msg)
		if err == nil {
			msg.Ack()
		}
		return out, err
	}
}

func (d *Durable) shouldRetry(p middleware.RetryParams) bool {
	var re retryableError
	var rec recordError
	return (errors.As(p.Err, &re) || errors.As(p.Err, &rec)) && !d.gate.isClosing()
}

// settle runs around the retries and decides what their outcome means.
// Everything transient (an internal error that failed every retry
// included), everything interrupted by shutdown and a rejection that could
// not be recorded stays unacked and is redelivered. What is left failed in
// the transport itself (a subject it cannot read, a panic): poison.
func (d *Durable) settle(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err == nil || !d.mayPoison(err) {
			return out, err
		}
		var re retryableError
		if errors.As(err, &re) {
			return nil, redeliverError{re.err}
		}
		return nil, poisonError{err}
	}
}

// mayPoison is false for the failures that are redelivered as they are.
func (d *Durable) mayPoison(err error) bool {
	var rec recordError
	var rd redeliverError
	return !d.gate.isClosing() && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, errShuttingDown) && !errors.As(err, &rec) && !errors.As(err, &rd)
}

// isPoison is the poison queue's filter: settle has decided.
func isPoison(err error) bool {
	var pe poisonError
	return errors.As(err, &pe)
}

// handle dispatches one command. It returns nil (ack) for every final
// result, which the dispatcher has recorded, and for input that is no
// CloudEvent, whose rejection it records itself.
func (d *Durable) handle(msg *message.Message) error {
	subject := msg.Metadata.Get(MetaSubject)
	session, _, name, err := d.cfg.Subjects.Parse(subject)
	if err != nil {
		// Not retryable: the poison queue keeps it for inspection.
		return fmt.Errorf("command on subject %q: %w", subject, err)
	}
	log := d.log.With("session", session, "command", name, "delivered", msg.Metadata.Get(MetaDelivered))
	cmd, err := cenats.Decode(headerOf(msg.Metadata), msg.Payload)
	if err != nil {
		return d.reject(msg, session, name, err, log)
	}
	res := d.dispatch(msg, session, name, cmd, log)
	if !res.Retryable {
		return nil
	}
	code, text := resultError(res.Event)
	failed := fmt.Errorf("command %s (%s) failed: %s: %s", subject, cmd.ID(), code, text)
	if isInternal(res.Event) {
		return retryableError{failed}
	}
	log.Warn("durable command failed for now; JetStream redelivers it later", "ce_id", cmd.ID(), "code", code, "err", text)
	return redeliverError{failed}
}

// reject records why input that is no CloudEvent was refused: the durable
// path has no reply, so the result subject is the only place a publisher
// learns it. Retrying garbage is pointless; it is acked, once recorded
// where it is audited at all (auditedRejection). The result's id derives
// from the message's stream sequence, so a redelivery after a lost ack
// records nothing new.
func (d *Durable) reject(msg *message.Message, session, name string, cause error, log *slog.Logger) error {
	log.Debug("durable command is no valid CloudEvent", "err", cause)
	if !auditedRejection(name) {
		return nil
	}
	res := d.ex.Reject(session, name, werr.Invalid(werr.CodeInvalidCloudEvent, "%s", cause.Error()))
	if seq := sequence(msg.Metadata); seq != 0 {
		res.SetID(rejectionID(msg.Metadata.Get(MetaSubject), seq))
	}
	if err := d.results.Put(d.base, d.cfg.Subjects.Result(session, name), res); err != nil {
		return recordError{fmt.Errorf("recording rejection %s: %w", res.ID(), err)}
	}
	return nil
}

func (d *Durable) dispatch(msg *message.Message, session, name string, cmd event.Event, log *slog.Logger) commands.Result {
	ctx, cancel := context.WithTimeout(d.base, d.cfg.Timeout)
	defer cancel()
	// Durable commands come from NATS users only, never from this
	// process's REST adapter: never trusted.
	res := d.ex.Dispatch(ctx, commands.Call{
		Session: session, Name: name, Cmd: cmd,
		Durable: true, Published: published(msg.Metadata), Sequence: sequence(msg.Metadata),
	})
	log.Debug("durable command executed", "ce_id", cmd.ID(), "ce_type", cmd.Type(),
		"retryable", res.Retryable, "replayed", res.Replayed)
	return res
}

// isInternal reports whether a result is an internal error (a bug or our
// own storage failing) rather than a failure that depends on the session
// or WhatsApp: only those are worth retrying at once.
func isInternal(ev event.Event) bool {
	var body commands.ResultData
	if err := json.Unmarshal(ev.Data(), &body); err != nil {
		return false
	}
	return body.Status == werr.KindInternal.Status()
}

// resultError reads code and message of an error result for the log.
func resultError(ev event.Event) (code, text string) {
	var body commands.ResultData
	if err := json.Unmarshal(ev.Data(), &body); err != nil {
		return "UNREADABLE_RESULT", err.Error()
	}
	return body.Code, body.Message
}
