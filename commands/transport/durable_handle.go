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
// retried in-process; when every retry failed, its result is recorded and
// the command poisoned.
type retryableError struct {
	err     error
	subject string      // where the result is recorded
	result  event.Event // the last attempt's result
}

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// redeliverError is a failure that depends on the session's link to
// WhatsApp: it lasts as long as the session is not connected, rate limited
// or WhatsApp fails, which may be minutes after a restart. JetStream
// redelivers the command later, without limit, and nothing is recorded
// until an attempt ends the command (CONTRACT §4: at least once).
type redeliverError struct{ err error }

func (e redeliverError) Error() string { return e.err.Error() }
func (e redeliverError) Unwrap() error { return e.err }

// poisonError is a failure settle decided to move to the poison subject,
// with its result (if it has one) already recorded.
type poisonError struct{ err error }

func (e poisonError) Error() string { return e.err.Error() }
func (e poisonError) Unwrap() error { return e.err }

// recordError is a result that could not be recorded. It is retried, but
// never poisoned: a command is acked only with its result recorded, so it
// waits for redelivery until the sink works again.
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
// Commands interrupted by shutdown, those whose result could not be
// recorded and those waiting for WhatsApp stay unacked and are redelivered.
// Anything else that failed is poison: an internal error that failed every
// retry gets its last result recorded first, so the command ends with one
// result; if that cannot be recorded, it is redelivered instead.
func (d *Durable) settle(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err == nil || !d.mayPoison(err) {
			return out, err
		}
		var re retryableError
		if errors.As(err, &re) {
			if perr := d.results.Put(d.base, re.subject, re.result); perr != nil {
				return nil, recordError{fmt.Errorf("recording result %s of a poisoned command: %w", re.result.ID(), perr)}
			}
		}
		return nil, poisonError{err}
	}
}

// mayPoison is false for the failures that must be redelivered instead.
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

// handle executes one command and, if the outcome ends the command,
// records its result. It returns nil (ack) for every final result, also
// for input that is not a command at all.
func (d *Durable) handle(msg *message.Message) error {
	subject := msg.Metadata.Get(MetaSubject)
	session, _, name, err := d.cfg.Subjects.Parse(subject)
	if err != nil {
		// Not retryable: the poison queue keeps it for inspection.
		return fmt.Errorf("command on subject %q: %w", subject, err)
	}
	log := d.log.With("session", session, "command", name, "delivered", msg.Metadata.Get(MetaDelivered))
	res := d.execute(msg, session, name, log)
	resultSubject := d.cfg.Subjects.Result(session, name)
	if res.Retryable {
		code, text := resultError(res.Event)
		failed := fmt.Errorf("command %s failed: %s: %s", subject, code, text)
		if waitsForWhatsApp(res.Event) {
			log.Warn("durable command failed for now; JetStream redelivers it later", "code", code, "err", text)
			return redeliverError{failed}
		}
		return retryableError{err: failed, subject: resultSubject, result: res.Event}
	}
	if err := d.results.Put(d.base, resultSubject, res.Event); err != nil {
		return recordError{fmt.Errorf("recording result %s: %w", res.Event.ID(), err)}
	}
	return nil
}

func (d *Durable) execute(msg *message.Message, session, name string, log *slog.Logger) commands.Result {
	cmd, err := cenats.Decode(headerOf(msg.Metadata), msg.Payload)
	if err != nil {
		// Retrying garbage is pointless: record why and ack.
		log.Debug("durable command is no valid CloudEvent", "err", err)
		return commands.Result{Event: d.ex.Reject(session, name, werr.Invalid(werr.CodeInvalidCloudEvent, "%s", err.Error()))}
	}
	ctx, cancel := context.WithTimeout(d.base, d.cfg.Timeout)
	defer cancel()
	res := d.ex.Execute(ctx, session, name, cmd)
	log.Debug("durable command executed", "ce_id", cmd.ID(), "ce_type", cmd.Type(),
		"retryable", res.Retryable, "replayed", res.Replayed)
	return res
}

// waitsForWhatsApp reports whether a retryable result is of a kind that
// depends on the session's state or WhatsApp's (its status identifies the
// kind), rather than an internal error.
func waitsForWhatsApp(ev event.Event) bool {
	var body commands.ResultData
	if err := json.Unmarshal(ev.Data(), &body); err != nil {
		return false
	}
	switch body.Status {
	case werr.KindNotConnected.Status(), werr.KindRateLimited.Status(),
		werr.KindUpstream.Status(), werr.KindTimeout.Status():
		return true
	}
	return false
}

// resultError reads code and message of an error result for the log and
// the poison reason.
func resultError(ev event.Event) (code, text string) {
	var body commands.ResultData
	if err := json.Unmarshal(ev.Data(), &body); err != nil {
		return "UNREADABLE_RESULT", err.Error()
	}
	return body.Code, body.Message
}
