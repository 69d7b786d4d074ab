package commands

import (
	"context"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/tracing"
)

// tracerName is the instrumentation scope of the dispatcher's spans.
const tracerName = "github.com/wabridge/wabridge/commands"

// Span attributes of a command (CloudEvents' semantic conventions for the
// event, ours for the rest).
const (
	attrCommand   = "wabridge.command"
	attrSession   = "wabridge.session"
	attrCode      = "wabridge.result.code"
	attrReplayed  = "wabridge.replayed"
	attrRetryable = "wabridge.retryable"
	attrEventID   = "cloudevents.event_id"
	attrSource    = "cloudevents.event_source"
	attrType      = "cloudevents.event_type"
)

func (d *Dispatcher) tracer() trace.Tracer {
	tp := d.cfg.Tracing
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	return tp.Tracer(tracerName)
}

// startSpan starts the command's span as a child of the trace context the
// command carries (its traceparent extension), or of ctx's span, or as a
// new trace. Everything the handler does runs under it, the bridge's send
// included, and log lines written with the returned ctx carry its ids.
func (d *Dispatcher) startSpan(ctx context.Context, c Call) (context.Context, trace.Span) {
	ctx = tracing.FromEvent(ctx, c.Cmd)
	kind := trace.SpanKindServer // rpc: a request that waits for its answer
	if c.Durable {
		kind = trace.SpanKindConsumer
	}
	name := "command unknown" // a span name from the catalog only: names are the caller's
	if _, ok := d.specs[c.Name]; ok {
		name = "command " + c.Name
	}
	ctx, span := d.tracer().Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(
		attribute.String(attrCommand, ident.Clip(c.Name, 64)),
		attribute.String(attrSession, ident.Clip(c.Session, 64)),
		attribute.String(attrEventID, ident.Clip(c.Cmd.ID(), 128)),
		attribute.String(attrSource, ident.Clip(c.Cmd.Source(), 128)),
		attribute.String(attrType, ident.Clip(c.Cmd.Type(), 128)),
	))
	d.log.DebugContext(ctx, "command started", "session", c.Session, "command", c.Name, "ce_id", c.Cmd.ID())
	return ctx, span
}

// endSpan ends the command's span with its outcome and gives the result
// event the span's trace context, so the caller can find the command's
// trace from its answer. A replayed result carries this delivery's span.
func (d *Dispatcher) endSpan(ctx context.Context, span trace.Span, c Call, res *Result) {
	code := resultCode(res.Event)
	span.SetAttributes(attribute.String(attrCode, code), attribute.Bool(attrReplayed, res.Replayed),
		attribute.Bool(attrRetryable, res.Retryable))
	if code != CodeOK {
		span.SetStatus(codes.Error, code)
	}
	span.End()
	res.Event = tracing.WithEvent(ctx, res.Event)
	d.log.DebugContext(ctx, "command finished", "session", c.Session, "command", c.Name, "ce_id", c.Cmd.ID(),
		"code", code, "replayed", res.Replayed)
}

// tracedAudit gives every result it keeps the trace context of the
// command's span, which the dispatcher's ctx carries (commit and audit
// pass it on without its cancellation): the audit trail and durable
// callers, who read results from the result subject, see the same
// traceparent as an rpc caller.
type tracedAudit struct{ Audit }

func (a tracedAudit) Put(ctx context.Context, subject string, ce cloudevent.Event, also ...store.Write) error {
	return a.Audit.Put(ctx, subject, tracing.WithEvent(ctx, ce), also...)
}
