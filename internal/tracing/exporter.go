package tracing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// warnEvery bounds how often a failing export is logged: the batcher
// exports every few seconds, and a collector that is down for an hour
// should cost a line a minute, not a thousand.
const warnEvery = time.Minute

// loggingExporter reports export failures through our log rather than the
// OpenTelemetry global error handler (which prints in another format to
// stderr), and says when exporting works again.
type loggingExporter struct {
	sdktrace.SpanExporter
	log      *slog.Logger
	endpoint string
	now      func() time.Time

	mu       sync.Mutex
	failing  bool
	lastWarn time.Time
	lost     int // spans lost since the last warning
}

func newLoggingExporter(exp sdktrace.SpanExporter, log *slog.Logger, endpoint string) *loggingExporter {
	return &loggingExporter{SpanExporter: exp, log: log, endpoint: endpoint, now: time.Now}
}

// ExportSpans exports and reports; it returns nil on failure because the
// batcher would only hand the error to the global handler (the exporter
// already retried within OTEL_EXPORTER_OTLP_TIMEOUT).
func (e *loggingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err == nil {
		if e.failing {
			e.log.Info("exporting traces works again", "endpoint", e.endpoint)
		}
		e.failing, e.lost = false, 0
		return nil
	}
	e.lost += len(spans)
	if now := e.now(); !e.failing || now.Sub(e.lastWarn) >= warnEvery {
		e.log.Warn("exporting traces failed; spans are dropped", "endpoint", e.endpoint, "spans_lost", e.lost, "err", err)
		e.lastWarn, e.lost = now, 0
	}
	e.failing = true
	return nil
}

var _ sdktrace.SpanExporter = (*loggingExporter)(nil)
