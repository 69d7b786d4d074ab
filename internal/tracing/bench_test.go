package tracing_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/wabridge/wabridge/internal/tracing"
)

// BenchmarkCommandTraceContext is what tracing adds to one command: read
// the command's traceparent, start and end its span, write the result's
// traceparent, log one line with the ids (SDK without exporter, as a
// bridge with no endpoint runs).
func BenchmarkCommandTraceContext(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tr := tp.Tracer("bench")
	log := slog.New(tracing.LogHandler(slog.NewTextHandler(io.Discard, nil)))
	cmd := newEvent()
	cmd.SetExtension(tracing.ExtTraceParent, validParent)
	result := newEvent()
	b.ReportAllocs()
	for b.Loop() {
		ctx, span := tr.Start(tracing.FromEvent(context.Background(), cmd), "command send.message")
		_ = tracing.WithEvent(ctx, result)
		log.InfoContext(ctx, "command finished", "command", "send.message")
		span.End()
	}
}
