package tracing

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// flakyExporter fails while err is set.
type flakyExporter struct {
	tracetest.InMemoryExporter
	err error
}

func (f *flakyExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if f.err != nil {
		return f.err
	}
	return f.InMemoryExporter.ExportSpans(ctx, spans)
}

type lines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lines) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

func TestLoggingExporterWarnsOncePerMinute(t *testing.T) {
	out := &lines{}
	flaky := &flakyExporter{err: errors.New("connection refused")}
	e := newLoggingExporter(flaky, slog.New(slog.NewTextHandler(out, nil)), "http://collector:4318")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e.now = func() time.Time { return now }
	spans := tracetest.SpanStubs{{Name: "a"}, {Name: "b"}}.Snapshots()
	export := func() {
		if err := e.ExportSpans(context.Background(), spans); err != nil {
			t.Fatalf("ExportSpans returned %v: the batcher would hand it to the global handler", err)
		}
	}

	export()
	if got := out.take(); !strings.Contains(got, "exporting traces failed") || !strings.Contains(got, "spans_lost=2") {
		t.Fatalf("first failure logged %q", got)
	}
	now = now.Add(30 * time.Second)
	export()
	if got := out.take(); got != "" {
		t.Fatalf("second failure within a minute logged %q", got)
	}
	now = now.Add(31 * time.Second)
	export()
	if got := out.take(); !strings.Contains(got, "spans_lost=4") {
		t.Fatalf("failure a minute later logged %q, want the 4 spans lost since the last warning", got)
	}
	flaky.err = nil
	export()
	if got := out.take(); !strings.Contains(got, "exporting traces works again") {
		t.Fatalf("recovery logged %q", got)
	}
	if n := len(flaky.GetSpans()); n != 2 {
		t.Fatalf("%d spans exported after recovery, want 2", n)
	}
	export()
	if got := out.take(); got != "" {
		t.Fatalf("a healthy export logged %q", got)
	}
}
