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

// retryableError marks a failure a later attempt may cure.
type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

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

// shouldPoison keeps commands interrupted by shutdown, and those whose
// result could not be recorded, out of the poison queue: they are left
// unacked and redelivered instead.
func (d *Durable) shouldPoison(err error) bool {
	var rec recordError
	return !d.gate.isClosing() && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, errShuttingDown) && !errors.As(err, &rec)
}

// handle executes one command and records its result. It returns nil (ack)
// for every final result, also for input that is not a command at all.
func (d *Durable) handle(msg *message.Message) error {
	subject := msg.Metadata.Get(MetaSubject)
	session, _, name, err := d.cfg.Subjects.Parse(subject)
	if err != nil {
		// Not retryable: the poison queue keeps it for inspection.
		return fmt.Errorf("command on subject %q: %w", subject, err)
	}
	log := d.log.With("session", session, "command", name, "delivered", msg.Metadata.Get(MetaDelivered))
	res := d.execute(msg, session, name, log)
	if err := d.results.Put(d.base, d.cfg.Subjects.Result(session, name), res.Event); err != nil {
		return recordError{fmt.Errorf("recording result %s: %w", res.Event.ID(), err)}
	}
	if res.Retryable {
		code, text := resultError(res.Event)
		return retryableError{fmt.Errorf("command %s failed: %s: %s", subject, code, text)}
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

// resultError reads code and message of an error result for the log and
// the poison reason.
func resultError(ev event.Event) (code, text string) {
	var body commands.ResultData
	if err := json.Unmarshal(ev.Data(), &body); err != nil {
		return "UNREADABLE_RESULT", err.Error()
	}
	return body.Code, body.Message
}
