package bridge_test

import (
	"context"
	"errors"
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
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/tracing"
	"github.com/wabridge/wabridge/schemas"
)

const (
	callerTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan   = "00f067aa0ba902b7"
	callerParent = "00-" + callerTrace + "-" + callerSpan + "-01"
)

// The one path end to end, as far as whatsmeow: a command carrying a
// traceparent runs under a dispatch span continuing it, the bridge's send
// under a whatsapp.send span below that, the send's log line carries the
// trace, and the result leads back to it (CONTRACT §11).
func TestCommandTraceReachesTheWhatsAppSend(t *testing.T) {
	tr := newTraceRig(t)
	res := tr.dispatch(t, "1")
	if got := tr.status(t, res); got != 200 {
		t.Fatalf("result status %d: %s", got, res.Event.Data())
	}
	dispatch, send := tr.span(t, "command send.message"), tr.span(t, "whatsapp.send")
	if dispatch.Parent().SpanID().String() != callerSpan || dispatch.SpanContext().TraceID().String() != callerTrace {
		t.Fatalf("dispatch span %v, parent %v: want a child of %s", dispatch.SpanContext(), dispatch.Parent(), callerParent)
	}
	if send.Parent().SpanID() != dispatch.SpanContext().SpanID() || send.SpanContext().TraceID() != dispatch.SpanContext().TraceID() {
		t.Fatalf("send span's parent %v, want the dispatch span %v", send.Parent(), dispatch.SpanContext())
	}
	sent := tr.client.sent
	if len(sent) != 1 || spanAttr(send, "whatsapp.message.id") != sent[0].Extra.ID || send.SpanKind() != trace.SpanKindClient {
		t.Fatalf("send span attributes %v (kind %v), sent %d messages", send.Attributes(), send.SpanKind(), len(sent))
	}
	if rc := traceContextOf(res.Event); rc.TraceID().String() != callerTrace || rc.SpanID() != dispatch.SpanContext().SpanID() {
		t.Fatalf("result trace context %v, want the dispatch span's", rc)
	}
	line, ok := tr.logs.find("whatsapp send done")
	if !ok {
		t.Fatal("the send logged nothing with its context")
	}
	if line[tracing.LogTraceID] != callerTrace || line[tracing.LogSpanID] != send.SpanContext().SpanID().String() {
		t.Fatalf("send log line %v, want the send span's trace_id and span_id", line)
	}
	if line["session"] != "default" {
		t.Fatalf("send log line %v lost the session's attributes", line)
	}
}

// A reaction (like an edit or a revoke) is a send of its own.
func TestReactionSendIsTraced(t *testing.T) {
	tr := newTraceRig(t)
	sent := tr.dispatch(t, "1")
	var rd struct {
		Data struct {
			MessageID string `json:"message_id"`
		} `json:"data"`
	}
	if err := sent.Event.DataAs(&rd); err != nil || rd.Data.MessageID == "" {
		t.Fatalf("send result %s", sent.Event.Data())
	}
	res := tr.dispatchCommand(t, "message.reaction", "2", `{"message_id":"`+rd.Data.MessageID+`","emoji":"👍"}`)
	if got := tr.status(t, res); got != 200 {
		t.Fatalf("reaction status %d: %s", got, res.Event.Data())
	}
	cmd := tr.span(t, "command message.reaction")
	for _, s := range tr.spans.Ended() {
		if s.Name() == "whatsapp.send" && s.Parent().SpanID() == cmd.SpanContext().SpanID() {
			return
		}
	}
	t.Fatal("no whatsapp.send span below the reaction's command span")
}

func TestFailedWhatsAppSendSpanIsAnError(t *testing.T) {
	tr := newTraceRig(t)
	tr.client.mu.Lock()
	tr.client.sendErr = errors.New("websocket closed")
	tr.client.mu.Unlock()
	res := tr.dispatch(t, "2")
	if got := tr.status(t, res); got < 500 {
		t.Fatalf("result status %d for a failed send", got)
	}
	send := tr.span(t, "whatsapp.send")
	if send.Status().Code != codes.Error || send.Status().Description != "UPSTREAM_ERROR" {
		t.Fatalf("send span status %v, want error UPSTREAM_ERROR", send.Status())
	}
	if _, ok := tr.logs.find("whatsapp send failed"); !ok {
		t.Fatal("the failed send logged nothing")
	}
}

// traceRig is a logged-in session over a fake client, a real dispatcher
// over it, and recorders of spans and logs.
type traceRig struct {
	d      *commands.Dispatcher
	client *fakeClient
	spans  *tracetest.SpanRecorder
	logs   *traceLogs
}

func newTraceRig(t *testing.T) *traceRig {
	t.Helper()
	logs := &traceLogs{mu: &sync.Mutex{}, records: &[]map[string]string{}}
	e := openEnv(t)
	e.startWith(func(c *bridgeConfig) { c.Log = slog.New(tracing.LogHandler(logs)) }, "default")
	client := e.loggedInConnected("default")
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	d, err := commands.NewDispatcher(commands.DispatcherConfig{
		Sessions: managerSessions{e.mgr}, DB: e.db, Schemas: set, Audit: commitAudit{e.db}, Tracing: tp,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &traceRig{d: d, client: client, spans: spans, logs: logs}
}

func (r *traceRig) dispatch(t *testing.T, id string) commands.Result {
	t.Helper()
	return r.dispatchCommand(t, "send.message", id, `{"phone":"4917612345678","message":"hi"}`)
}

// dispatchCommand runs command name with data, carrying callerParent.
func (r *traceRig) dispatchCommand(t *testing.T, name, id, data string) commands.Result {
	t.Helper()
	cmd := cloudevent.New()
	cmd.SetID(id)
	cmd.SetSource("/tests")
	cmd.SetType(commands.TypeOf(name))
	cmd.SetExtension(tracing.ExtTraceParent, callerParent)
	if err := cmd.SetData(cloudevent.ApplicationJSON, []byte(data)); err != nil {
		t.Fatal(err)
	}
	return r.d.Dispatch(context.Background(), commands.Call{Session: "default", Name: name, Cmd: cmd})
}

func (r *traceRig) status(t *testing.T, res commands.Result) int {
	t.Helper()
	var rd commands.ResultData
	if err := res.Event.DataAs(&rd); err != nil {
		t.Fatal(err)
	}
	return rd.Status
}

func (r *traceRig) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no span %q ended", name)
	return nil
}

func spanAttr(s sdktrace.ReadOnlySpan, key string) string {
	for _, a := range s.Attributes() {
		if a.Key == attribute.Key(key) {
			return a.Value.Emit()
		}
	}
	return ""
}

func traceContextOf(e cloudevent.Event) trace.SpanContext {
	return trace.SpanContextFromContext(tracing.FromEvent(context.Background(), e))
}

// managerSessions is the Manager as the dispatcher finds sessions.
type managerSessions struct{ m *bridge.Manager }

func (s managerSessions) Get(name string) (commands.Session, error) { return s.m.Get(name) }

// commitAudit commits the writes that come with a result (the sent
// message's cache entry) and keeps nothing else.
type commitAudit struct{ db *store.DB }

func (a commitAudit) Put(_ context.Context, _ string, _ cloudevent.Event, also ...store.Write) error {
	return a.db.Commit(also...)
}

// traceLogs keeps each record's attributes, its logger's included.
type traceLogs struct {
	mu      *sync.Mutex
	records *[]map[string]string
	attrs   []slog.Attr
}

func (l *traceLogs) Enabled(context.Context, slog.Level) bool { return true }

func (l *traceLogs) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message}
	for _, a := range l.attrs {
		m[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	l.mu.Lock()
	*l.records = append(*l.records, m)
	l.mu.Unlock()
	return nil
}

func (l *traceLogs) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceLogs{mu: l.mu, records: l.records, attrs: append(append([]slog.Attr(nil), l.attrs...), as...)}
}

func (l *traceLogs) WithGroup(string) slog.Handler { return l }

func (l *traceLogs) find(msg string) (map[string]string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range *l.records {
		if m["msg"] == msg {
			return m, true
		}
	}
	return nil, false
}
