package httpadapter_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/tracing"
)

const (
	callerTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerParent = "00-" + callerTrace + "-00f067aa0ba902b7-01"
)

// traceResponder answers every rpc command with a success and keeps the
// trace context each command carried.
type traceResponder struct {
	mu   sync.Mutex
	seen []trace.SpanContext
}

func startTraceResponder(t *testing.T, nc *nats.Conn) *traceResponder {
	t.Helper()
	r := &traceResponder{}
	sub, err := nc.Subscribe(natsbus.Subjects{}.All("rpc"), func(msg *nats.Msg) {
		cmd, err := cenats.Decode(msg.Header, msg.Data)
		if err != nil {
			t.Errorf("responder: %v", err)
			return
		}
		r.mu.Lock()
		r.seen = append(r.seen, trace.SpanContextFromContext(tracing.FromEvent(context.Background(), cmd)))
		r.mu.Unlock()
		if err := nc.PublishMsg(resultMsg(t, msg.Reply, cmd, map[string]any{"status": 200, "message": "Success"})); err != nil {
			t.Errorf("responder: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	return r
}

func (r *traceResponder) last(t *testing.T) trace.SpanContext {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) == 0 {
		t.Fatal("no command arrived")
	}
	return r.seen[len(r.seen)-1]
}

func newTracedServer(t *testing.T, tp trace.TracerProvider, log *slog.Logger) (*traceResponder, func(map[string]string) (*http.Response, map[string]any)) {
	t.Helper()
	nc := startNATS(t)
	resp := startTraceResponder(t, nc)
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.Tracing = tp
		if log != nil {
			c.Log = log
		}
	})
	return resp, func(h map[string]string) (*http.Response, map[string]any) {
		return call(t, srv, http.MethodPost, "/send/message", `{"phone":"4917612345678","message":"hi"}`, h)
	}
}

func newRecorderProvider(t *testing.T) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, rec
}

func responseTrace(resp *http.Response) trace.SpanContext {
	return trace.SpanContextFromContext(tracing.FromHeaders(context.Background(), resp.Header.Get))
}

func TestTraceParentHeaderContinuesIntoTheCommand(t *testing.T) {
	tp, rec := newRecorderProvider(t)
	cmds, post := newTracedServer(t, tp, nil)
	resp, _ := post(map[string]string{"traceparent": callerParent})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := responseTrace(resp)
	if got.TraceID().String() != callerTrace {
		t.Fatalf("response traceparent %q, want trace %s", resp.Header.Get("traceparent"), callerTrace)
	}
	ended := rec.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans", len(ended))
	}
	span := ended[0]
	if span.Name() != "POST /send/message" || span.SpanKind() != trace.SpanKindServer || span.Parent().SpanID().String() != "00f067aa0ba902b7" {
		t.Fatalf("span %q kind %v parent %v", span.Name(), span.SpanKind(), span.Parent())
	}
	if got.SpanID() != span.SpanContext().SpanID() {
		t.Fatalf("response names span %v, want the request's %v", got.SpanID(), span.SpanContext().SpanID())
	}
	// The command CloudEvent carries the request's span as its parent.
	if cmd := cmds.last(t); cmd.TraceID().String() != callerTrace || cmd.SpanID() != span.SpanContext().SpanID() {
		t.Fatalf("command traceparent %v, want the request span %v", cmd, span.SpanContext())
	}
}

func TestRequestWithoutOrWithBadTraceParentStartsATrace(t *testing.T) {
	for _, header := range []map[string]string{nil, {"traceparent": "garbage"}, {"traceparent": "00-" + callerTrace + "-zz-01"}} {
		tp, _ := newRecorderProvider(t)
		cmds, post := newTracedServer(t, tp, nil)
		resp, env := post(header)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("traceparent %v: status %d %v, want the command to run", header, resp.StatusCode, env)
		}
		got := responseTrace(resp)
		if !got.IsValid() || got.TraceID().String() == callerTrace {
			t.Fatalf("traceparent %v: response traceparent %q, want a new trace", header, resp.Header.Get("traceparent"))
		}
		if cmds.last(t).TraceID() != got.TraceID() {
			t.Fatalf("traceparent %v: the command is in another trace than the response", header)
		}
	}
}

func TestUntracedAdapterPassesTheCallersTraceOn(t *testing.T) {
	cmds, post := newTracedServer(t, nil, nil)
	resp, _ := post(map[string]string{"traceparent": callerParent})
	if cmds.last(t).TraceID().String() != callerTrace || responseTrace(resp).TraceID().String() != callerTrace {
		t.Fatalf("without a tracer, command trace %v, response %q", cmds.last(t), resp.Header.Get("traceparent"))
	}
	resp, _ = post(nil)
	if resp.Header.Get("traceparent") != "" || cmds.last(t).IsValid() {
		t.Fatal("without a tracer and without a caller's trace, a trace context appeared")
	}
}

func TestHealthProbesAreNotTraced(t *testing.T) {
	tp, rec := newRecorderProvider(t)
	nc := startNATS(t)
	srv := newServer(t, nc, func(c *httpadapter.Config) { c.Tracing = tp })
	resp, _ := call(t, srv, http.MethodGet, "/healthz", "", nil)
	if n := len(rec.Ended()); n != 0 || resp.Header.Get("traceparent") != "" {
		t.Fatalf("/healthz made %d spans", n)
	}
}

func TestRequestLogCarriesTheTrace(t *testing.T) {
	tp, _ := newRecorderProvider(t)
	logs := &requestLogs{}
	_, post := newTracedServer(t, tp, slog.New(tracing.LogHandler(logs)))
	resp, _ := post(map[string]string{"traceparent": callerParent})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := logs.traceOf("http request"); got != callerTrace {
		t.Fatalf("request log line trace_id %q, want %s", got, callerTrace)
	}
}

type requestLogs struct {
	mu    sync.Mutex
	lines map[string]string // message → trace_id
}

func (l *requestLogs) Enabled(context.Context, slog.Level) bool { return true }

func (l *requestLogs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lines == nil {
		l.lines = map[string]string{}
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == tracing.LogTraceID {
			l.lines[r.Message] = a.Value.String()
		}
		return true
	})
	return nil
}

func (l *requestLogs) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *requestLogs) WithGroup(string) slog.Handler      { return l }

func (l *requestLogs) traceOf(msg string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines[msg]
}
