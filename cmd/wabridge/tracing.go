package main

import (
	"context"
	"log/slog"
	"os"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/wabridge/wabridge/internal/tracing"
)

// tracingPart is the process's TracerProvider (CONTRACT §11), configured by
// the standard OTEL_* environment (README "Tracing"). It starts first, so
// the parts that make spans find it started, and stops last, so its
// Shutdown exports the spans of everything that stopped before it, within
// its stop budget.
type tracingPart struct {
	log      *slog.Logger
	provider *tracing.Provider
}

func (p *tracingPart) Name() string { return "tracing" }

func (p *tracingPart) Start(ctx context.Context) error {
	prov, err := tracing.New(ctx, tracing.Config{Getenv: os.Getenv, Version: version, Log: p.log})
	if err != nil {
		return err
	}
	p.provider = prov
	if ep := prov.Endpoint(); ep != "" {
		p.log.Info("exporting traces over OTLP/HTTP", "endpoint", ep)
	}
	return nil
}

func (p *tracingPart) Stop(ctx context.Context) error { return p.provider.Shutdown(ctx) }

// tracerProvider is what the dispatcher and REST make spans with; before
// Start (never, in serve's order) it makes none.
func (p *tracingPart) tracerProvider() trace.TracerProvider {
	if p == nil || p.provider == nil {
		return noop.NewTracerProvider()
	}
	return p.provider.TracerProvider()
}

// withTraceIDs makes every record logged with a span's context carry its
// trace_id and span_id.
func withTraceIDs(log *slog.Logger) *slog.Logger { return slog.New(tracing.LogHandler(log.Handler())) }
