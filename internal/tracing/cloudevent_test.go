package tracing_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/tracing"
)

const validParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func newEvent() event.Event {
	e := event.New(event.CloudEventsVersionV1)
	e.SetID("1")
	e.SetSource("/test")
	e.SetType("io.wabridge.command.send.message")
	return e
}

func TestEventTraceContextRoundTrip(t *testing.T) {
	in := newEvent()
	in.SetExtension(tracing.ExtTraceParent, validParent)
	in.SetExtension(tracing.ExtTraceState, "vendor=abc")
	sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), in))
	if !sc.IsRemote() || sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID().String() != "00f067aa0ba902b7" || !sc.IsSampled() {
		t.Fatalf("span context %v from traceparent %s", sc, validParent)
	}
	if sc.TraceState().Get("vendor") != "abc" {
		t.Fatalf("tracestate %q lost", sc.TraceState())
	}
	out := newEvent()
	tracing.SetEvent(trace.ContextWithSpanContext(context.Background(), sc), &out)
	if out.Extensions()[tracing.ExtTraceParent] != validParent || out.Extensions()[tracing.ExtTraceState] != "vendor=abc" {
		t.Fatalf("written extensions %v", out.Extensions())
	}
}

func TestMalformedTraceContextIsIgnored(t *testing.T) {
	for _, v := range []any{
		"garbage",
		"",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero span id
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
		int32(7), true, // not a string at all
	} {
		e := newEvent()
		e.SetExtension(tracing.ExtTraceParent, v)
		if sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), e)); sc.IsValid() {
			t.Errorf("traceparent %#v gave span context %v", v, sc)
		}
	}
	// No traceparent at all, and an event without a context.
	if sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), newEvent())); sc.IsValid() {
		t.Errorf("event without traceparent gave %v", sc)
	}
	if sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), event.Event{})); sc.IsValid() {
		t.Errorf("zero event gave %v", sc)
	}
}

func TestSetEventReplacesAndKeepsWithoutSpan(t *testing.T) {
	e := newEvent()
	e.SetExtension(tracing.ExtTraceParent, "00-11111111111111111111111111111111-2222222222222222-01")
	e.SetExtension(tracing.ExtTraceState, "old=1")
	tracing.SetEvent(context.Background(), &e) // no span: unchanged
	if e.Extensions()[tracing.ExtTraceState] != "old=1" {
		t.Fatal("SetEvent without a span changed the event")
	}
	ctx := trace.ContextWithSpanContext(context.Background(), remoteParent(t))
	shared := e
	c := tracing.WithEvent(ctx, shared)
	if c.Extensions()[tracing.ExtTraceParent] != validParent {
		t.Fatalf("WithEvent wrote %v", c.Extensions())
	}
	if _, ok := c.Extensions()[tracing.ExtTraceState]; ok {
		t.Fatal("a stale tracestate survived a new traceparent")
	}
	if shared.Extensions()[tracing.ExtTraceState] != "old=1" {
		t.Fatal("WithEvent changed the event it copied")
	}
	var zero event.Event
	tracing.SetEvent(ctx, &zero) // no context to write to: no panic
}

func TestHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Traceparent", validParent)
	ctx := tracing.FromHeaders(context.Background(), h.Get)
	if got := tracing.Header(ctx); got != validParent {
		t.Fatalf("header %q after a round trip, want %q", got, validParent)
	}
	if got := tracing.Header(context.Background()); got != "" {
		t.Fatalf("header %q without a span", got)
	}
	h.Set("Traceparent", "00-zz")
	if sc := trace.SpanContextFromContext(tracing.FromHeaders(context.Background(), h.Get)); sc.IsValid() {
		t.Fatalf("malformed header gave %v", sc)
	}
}
