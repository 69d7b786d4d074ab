package tracing

import (
	"context"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// The CloudEvents distributed tracing extension's attributes.
const (
	ExtTraceParent = "traceparent"
	ExtTraceState  = "tracestate"
)

// propagator reads and writes W3C trace context; it is a value without
// state, so there is nothing global to configure.
var propagator = propagation.TraceContext{}

// eventCarrier reads a CloudEvent's tracing extension. Only string values
// count: a traceparent of another JSON type is no trace context.
type eventCarrier struct{ e *event.Event }

func (c eventCarrier) Get(key string) string {
	if c.e.Context == nil {
		return ""
	}
	v, ok := c.e.Extensions()[key]
	if !ok {
		return ""
	}
	s, _ := v.(string)
	return s
}

func (c eventCarrier) Set(key, value string) { c.e.SetExtension(key, value) }

func (c eventCarrier) Keys() []string {
	var keys []string
	if c.e.Context == nil {
		return nil
	}
	for _, k := range []string{ExtTraceParent, ExtTraceState} {
		if _, ok := c.e.Extensions()[k]; ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// FromEvent returns ctx with the remote span context e carries, as the
// parent of the spans started under it. Without a valid traceparent ctx is
// returned as it is: a malformed one is ignored, not an error.
func FromEvent(ctx context.Context, e event.Event) context.Context {
	return propagator.Extract(ctx, eventCarrier{&e})
}

// SetEvent writes the span context of ctx into e as traceparent (and
// tracestate), replacing what e carried; without a valid span context e is
// left unchanged.
func SetEvent(ctx context.Context, e *event.Event) {
	if e.Context == nil || !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	e.SetExtension(ExtTraceState, nil) // none is written for an empty state
	propagator.Inject(ctx, eventCarrier{e})
}

// WithEvent is SetEvent on a copy of e, for an event that is shared.
func WithEvent(ctx context.Context, e event.Event) event.Event {
	if e.Context == nil || !trace.SpanContextFromContext(ctx).IsValid() {
		return e
	}
	c := e.Clone()
	SetEvent(ctx, &c)
	return c
}

// Header returns the traceparent header value of ctx's span, "" without one.
func Header(ctx context.Context) string {
	m := propagation.MapCarrier{}
	propagator.Inject(ctx, m)
	return m.Get(ExtTraceParent)
}

// FromHeaders is FromEvent for W3C traceparent/tracestate headers.
func FromHeaders(ctx context.Context, get func(string) string) context.Context {
	return propagator.Extract(ctx, headerCarrier(get))
}

type headerCarrier func(string) string

func (h headerCarrier) Get(key string) string { return h(key) }
func (h headerCarrier) Set(string, string)    {}
func (h headerCarrier) Keys() []string        { return []string{ExtTraceParent, ExtTraceState} }
