package tracing_test

import (
	"context"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/tracing"
)

func TestLogHandlerAddsTraceIDs(t *testing.T) {
	inner, rec := newRecordingLog()
	log := slog.New(tracing.LogHandler(inner.Handler())).With("component", "test")
	sc := remoteParent(t)
	ctx := trace.ContextWithSpanContext(context.Background(), sc)

	log.InfoContext(ctx, "with span")
	log.InfoContext(context.Background(), "without span")
	log.Info("no context")

	got := rec.all()
	if len(got) != 3 {
		t.Fatalf("%d records", len(got))
	}
	a := attrsOf(got[0])
	if a[tracing.LogTraceID] != sc.TraceID().String() || a[tracing.LogSpanID] != sc.SpanID().String() || a["component"] != "test" {
		t.Fatalf("record with span has %v", a)
	}
	for _, r := range got[1:] {
		if _, ok := attrsOf(r)[tracing.LogTraceID]; ok {
			t.Fatalf("record %q without span has a trace_id", r.Message)
		}
	}
}

func TestLogHandlerKeepsLevels(t *testing.T) {
	h := tracing.LogHandler(slog.NewTextHandler(nil, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("the wrapper does not ask the handler it wraps about levels")
	}
}
