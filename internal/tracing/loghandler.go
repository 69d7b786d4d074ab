package tracing

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Log keys of the trace context, as OpenTelemetry's log data model names
// them.
const (
	LogTraceID = "trace_id"
	LogSpanID  = "span_id"
)

// LogHandler adds trace_id and span_id to every record logged with a
// context that carries a span (log.InfoContext(ctx, …)), so a command's
// log lines can be found from its trace and the other way round. Records
// logged without a context, or with one without a span, pass unchanged.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ inner slog.Handler }

func (h logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String(LogTraceID, sc.TraceID().String()), slog.String(LogSpanID, sc.SpanID().String()))
	}
	return h.inner.Handle(ctx, r)
}

func (h logHandler) WithAttrs(as []slog.Attr) slog.Handler { return logHandler{h.inner.WithAttrs(as)} }

// WithGroup nests like any handler: trace ids of a grouped logger land in
// its group.
func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.inner.WithGroup(name)} }
