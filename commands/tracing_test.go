package commands_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/tracing"
	"github.com/wabridge/wabridge/internal/werr"
)

// callerParent is the trace context a caller's command carries.
const (
	callerTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan   = "00f067aa0ba902b7"
	callerParent = "00-" + callerTrace + "-" + callerSpan + "-01"
)

// spanSpy is the fake session, remembering the span its send ran under.
type spanSpy struct {
	*fakeSession
	mu   sync.Mutex
	seen trace.SpanContext
}

func (s *spanSpy) SendText(ctx context.Context, req bridge.SendTextRequest) (bridge.SendResult, error) {
	s.mu.Lock()
	s.seen = trace.SpanContextFromContext(ctx)
	s.mu.Unlock()
	return s.fakeSession.SendText(ctx, req)
}

// tracedRig is a rig whose dispatcher records its spans and logs at debug
// through the tracing log handler.
type tracedRig struct {
	*rig
	spans *tracetest.SpanRecorder
	spy   *spanSpy
	logs  *logRecorder
}

func newTracedRig(t *testing.T, traced bool) *tracedRig {
	t.Helper()
	r := newRig(t)
	tr := &tracedRig{rig: r, spans: tracetest.NewSpanRecorder(), spy: &spanSpy{fakeSession: r.sess}, logs: &logRecorder{}}
	cfg := r.config(t)
	cfg.Sessions = fakeSessions{"default": tr.spy}
	cfg.Log = slog.New(tracing.LogHandler(tr.logs))
	if traced {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tr.spans))
		t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		cfg.Tracing = tp
	}
	r.d = newDispatcher(t, cfg)
	return tr
}

func withTraceParent(e cloudevent.Event, v any) cloudevent.Event {
	e.SetExtension(tracing.ExtTraceParent, v)
	return e
}

// traceOf reads the trace context an event carries.
func traceOf(e cloudevent.Event) trace.SpanContext {
	return trace.SpanContextFromContext(tracing.FromEvent(context.Background(), e))
}

func (r *tracedRig) onlySpan(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	ended := r.spans.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans ended, want the command's one", len(ended))
	}
	return ended[0]
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, a := range s.Attributes() {
		if a.Key == attribute.Key(key) {
			return a.Value.Emit()
		}
	}
	return ""
}

func TestDispatchSpanContinuesTheCommandsTrace(t *testing.T) {
	r := newTracedRig(t, true)
	res := execute(r.d, context.Background(), "default", "send.message", withTraceParent(command(t, "send.message", "1", okText), callerParent))
	if b := decode(t, res.Event); b.Status != 200 {
		t.Fatalf("result %+v", b)
	}
	span := r.onlySpan(t)
	sc := span.SpanContext()
	if span.Name() != "command send.message" || span.SpanKind() != trace.SpanKindServer {
		t.Fatalf("span %q of kind %v", span.Name(), span.SpanKind())
	}
	if sc.TraceID().String() != callerTrace || span.Parent().SpanID().String() != callerSpan || !span.Parent().IsRemote() {
		t.Fatalf("span %v with parent %v, want a child of the caller's %s", sc, span.Parent(), callerParent)
	}
	for key, want := range map[string]string{"wabridge.command": "send.message", "wabridge.session": "default",
		"wabridge.result.code": commands.CodeOK, "cloudevents.event_id": "1", "cloudevents.event_type": commands.TypeOf("send.message")} {
		if got := attr(span, key); got != want {
			t.Errorf("attribute %s = %q, want %q", key, got, want)
		}
	}
	if span.Status().Code == codes.Error {
		t.Errorf("a success has status %v", span.Status())
	}
	// The handler, and so the bridge's send, ran under the command's span.
	if r.spy.seen.SpanID() != sc.SpanID() {
		t.Errorf("the handler ran under span %v, want the command's %v", r.spy.seen.SpanID(), sc.SpanID())
	}
	// The answer and the audited result both lead back to the span.
	got := traceOf(res.Event)
	if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() {
		t.Errorf("result traceparent %v, want the command span's %v", got, sc)
	}
	entries := r.audit.entries(t)
	if len(entries) != 1 {
		t.Fatalf("%d audited results", len(entries))
	}
	if a := traceOf(entries[0].event(t)); a.SpanID() != sc.SpanID() || a.TraceID() != sc.TraceID() {
		t.Errorf("audited result traceparent %v, want %v", a, sc)
	}
}

func TestReplayedResultCarriesTheRedeliverysTrace(t *testing.T) {
	r := newTracedRig(t, true)
	cmd := command(t, "send.message", "1", okText)
	execute(r.d, context.Background(), "default", "send.message", withTraceParent(cmd, callerParent))
	again := "00-11111111111111111111111111111111-2222222222222222-01"
	res := execute(r.d, context.Background(), "default", "send.message", withTraceParent(cmd, again))
	if !res.Replayed {
		t.Fatal("second delivery not replayed")
	}
	if got := traceOf(res.Event).TraceID().String(); got != "11111111111111111111111111111111" {
		t.Fatalf("replayed result in trace %s, want the redelivery's", got)
	}
	if n := len(r.audit.entries(t)); n != 1 {
		t.Fatalf("%d audited results after a replay, want 1", n)
	}
}

func TestDispatchSpanOfAFailureIsAnError(t *testing.T) {
	r := newTracedRig(t, true)
	r.spy.err = werr.New(werr.KindNotConnected, werr.CodeNotConnected, "session default is not connected")
	cmd := command(t, "send.message", "1", okText)
	cmd.SetExtension(tracing.ExtTraceParent, callerParent)
	res := durable(r.d, context.Background(), "send.message", cmd, fixedNow)
	span := r.onlySpan(t)
	if span.Status().Code != codes.Error || span.Status().Description != werr.CodeNotConnected || attr(span, "wabridge.result.code") != werr.CodeNotConnected {
		t.Fatalf("span status %v, code %q", span.Status(), attr(span, "wabridge.result.code"))
	}
	if span.SpanKind() != trace.SpanKindConsumer {
		t.Fatalf("durable command span kind %v, want consumer", span.SpanKind())
	}
	if traceOf(res.Event).TraceID().String() != callerTrace {
		t.Fatal("a failed command's result lost the trace")
	}
}

func TestMalformedTraceParentStartsANewTrace(t *testing.T) {
	for _, v := range []any{"garbage", "00-" + callerTrace + "-" + callerSpan, int32(1)} {
		r := newTracedRig(t, true)
		res := execute(r.d, context.Background(), "default", "send.message", withTraceParent(command(t, "send.message", "1", okText), v))
		if b := decode(t, res.Event); b.Status != 200 {
			t.Fatalf("traceparent %#v: result %+v, want the command to run", v, b)
		}
		span := r.onlySpan(t)
		if span.Parent().IsValid() || !span.SpanContext().IsValid() {
			t.Fatalf("traceparent %#v: span %v with parent %v, want a new trace", v, span.SpanContext(), span.Parent())
		}
		if traceOf(res.Event).TraceID() != span.SpanContext().TraceID() {
			t.Fatalf("traceparent %#v: result not in the new trace", v)
		}
	}
}

func TestUnknownCommandSpanNameIsBounded(t *testing.T) {
	r := newTracedRig(t, true)
	execute(r.d, context.Background(), "default", "no.such.command", command(t, "no.such.command", "1", okText))
	if span := r.onlySpan(t); span.Name() != "command unknown" || attr(span, "wabridge.command") != "no.such.command" {
		t.Fatalf("span %q, command %q", span.Name(), attr(span, "wabridge.command"))
	}
}

func TestWithoutTracerTheCallersTraceStillReachesTheResult(t *testing.T) {
	r := newTracedRig(t, false)
	res := execute(r.d, context.Background(), "default", "send.message", withTraceParent(command(t, "send.message", "1", okText), callerParent))
	if got := traceOf(res.Event); got.TraceID().String() != callerTrace {
		t.Fatalf("result trace context %v, want the caller's", got)
	}
}

func TestCommandLogsCarryTheTrace(t *testing.T) {
	r := newTracedRig(t, true)
	execute(r.d, context.Background(), "default", "send.message", withTraceParent(command(t, "send.message", "1", okText), callerParent))
	span := r.onlySpan(t)
	for _, msg := range []string{"command started", "command finished"} {
		a, ok := r.logs.find(msg)
		if !ok {
			t.Fatalf("no %q log line", msg)
		}
		if a[tracing.LogTraceID] != callerTrace || a[tracing.LogSpanID] != span.SpanContext().SpanID().String() {
			t.Errorf("%q logged trace_id %q span_id %q, want the command span's", msg, a[tracing.LogTraceID], a[tracing.LogSpanID])
		}
	}
}

// logRecorder is a slog.Handler that keeps every record's attributes.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.records = append(l.records, r.Clone())
	l.mu.Unlock()
	return nil
}

func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

func (l *logRecorder) find(msg string) (map[string]string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.records {
		if r.Message != msg {
			continue
		}
		m := map[string]string{}
		r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
		return m, true
	}
	return nil, false
}
