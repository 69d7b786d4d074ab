package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// DefaultServiceName is service.name unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES say otherwise.
const DefaultServiceName = "wabridge"

// Config configures New.
type Config struct {
	// Getenv reads the OTEL_* variables this package decides by (whether
	// and where to export, the sampler); default os.Getenv. The exporter
	// then reads its own settings, the endpoint included, from the process
	// environment, so anything but os.Getenv only suits tests of those
	// decisions.
	Getenv func(string) string
	// ServiceName and Version describe the process in the resource.
	ServiceName string
	Version     string
	// Log receives export failures (at most one warning a minute).
	Log *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.ServiceName == "" {
		c.ServiceName = DefaultServiceName
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Provider is the process's TracerProvider and what it exports to.
type Provider struct {
	tp       trace.TracerProvider
	sdk      *sdktrace.TracerProvider // nil when the SDK is disabled
	endpoint string
}

// New builds the provider the environment describes: the SDK with the
// configured sampler, exporting over OTLP/HTTP in batches when an endpoint
// is set; without one, spans get ids (for logs and results) and are
// dropped. OTEL_SDK_DISABLED=true makes no spans at all: trace context
// that arrives is still passed on.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	cfg.setDefaults()
	s, err := readEnv(cfg.Getenv)
	if err != nil {
		return nil, fmt.Errorf("configuring tracing: %w", err)
	}
	if s.disabled {
		return &Provider{tp: noop.NewTracerProvider()}, nil
	}
	res, err := newResource(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithSampler(s.sampler)}
	if s.endpoint != "" {
		// The exporter reads the endpoint (and headers, TLS, timeout,
		// compression) from the environment itself, with the
		// specification's rules for the /v1/traces path.
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("configuring the OTLP trace exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(newLoggingExporter(exp, cfg.Log, s.endpoint)))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	return &Provider{tp: tp, sdk: tp, endpoint: s.endpoint}, nil
}

// newResource describes the process: our service name and version, then
// what OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES say (they win).
func newResource(ctx context.Context, cfg Config) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.name", cfg.ServiceName)}
	if cfg.Version != "" {
		attrs = append(attrs, attribute.String("service.version", cfg.Version))
	}
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithTelemetrySDK(), resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("reading the trace resource (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME): %w", err)
	}
	return res, nil
}

// TracerProvider is what span makers are given.
func (p *Provider) TracerProvider() trace.TracerProvider { return p.tp }

// Endpoint is where spans are exported, "" when nowhere; a password in it
// is masked, so it can be logged.
func (p *Provider) Endpoint() string { return p.endpoint }

// Shutdown exports the spans still queued and stops, within ctx. Spans
// ended later are dropped.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p.sdk == nil {
		return nil
	}
	if err := p.sdk.Shutdown(ctx); err != nil {
		return fmt.Errorf("flushing traces: %w", err)
	}
	return nil
}
