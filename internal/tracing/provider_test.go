package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/tracing"
	"github.com/wabridge/wabridge/internal/tracing/tracingtest"
)

// env is a Getenv over a fixed set of variables.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func newProvider(t *testing.T, getenv func(string) string) *tracing.Provider {
	t.Helper()
	p, err := tracing.New(context.Background(), tracing.Config{Getenv: getenv, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

func TestNewWithoutEndpointStillMakesIDs(t *testing.T) {
	p := newProvider(t, env())
	if p.Endpoint() != "" {
		t.Fatalf("endpoint %q without any configured", p.Endpoint())
	}
	_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "root")
	defer span.End()
	sc := span.SpanContext()
	if !sc.IsValid() || !sc.IsSampled() {
		t.Fatalf("root span context %v: want valid and sampled, so ids reach logs and results", sc)
	}
}

// spans lists "service/span" of every span col received, and the paths
// posted to.
func spans(col *tracingtest.Collector) ([]string, []string) {
	var out []string
	for _, sp := range col.Spans() {
		out = append(out, sp.Service+"/"+sp.Name)
	}
	return out, col.Paths()
}

func TestShutdownFlushesToTheOTLPEndpoint(t *testing.T) {
	col := &tracingtest.Collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	// The exporter reads the process environment itself.
	t.Setenv(tracing.EnvEndpoint, srv.URL)
	t.Setenv(tracing.EnvServiceName, "bridge-under-test")
	// A batch delay far beyond the test: only Shutdown can have sent it.
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "3600000")
	p, err := tracing.New(context.Background(), tracing.Config{Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	if p.Endpoint() != srv.URL {
		t.Fatalf("endpoint %q, want %q", p.Endpoint(), srv.URL)
	}
	_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "probe")
	span.End()
	if got, _ := spans(col); len(got) != 0 {
		t.Fatalf("exported %v before shutdown", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got, paths := spans(col)
	if strings.Join(got, ",") != "bridge-under-test/probe" {
		t.Fatalf("collector received %v, want bridge-under-test/probe", got)
	}
	if paths[0] != "/v1/traces" {
		t.Fatalf("posted to %s, want /v1/traces under the base endpoint", paths[0])
	}
}

func TestTracesEndpointIsUsedAsItIs(t *testing.T) {
	col := &tracingtest.Collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv(tracing.EnvEndpoint, "http://127.0.0.1:1") // the traces one wins
	t.Setenv(tracing.EnvTracesEndpoint, srv.URL+"/custom/traces")
	p, err := tracing.New(context.Background(), tracing.Config{Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "probe")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got, paths := spans(col)
	if len(got) != 1 || paths[0] != "/custom/traces" {
		t.Fatalf("received %v at %v, want the span at /custom/traces", got, paths)
	}
}

func TestExportFailureIsLoggedNotFatal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusBadRequest) // not retried by the exporter
	}))
	defer srv.Close()
	t.Setenv(tracing.EnvTracesEndpoint, srv.URL+"/custom/path")
	log, records := newRecordingLog()
	p, err := tracing.New(context.Background(), tracing.Config{Getenv: os.Getenv, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "lost")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a refusing collector: %v", err)
	}
	warned := false
	for _, r := range records.all() {
		if r.Message == "exporting traces failed; spans are dropped" {
			warned = true
		}
	}
	if !warned {
		t.Fatalf("no warning logged for a refused export; logged %v", records.messages())
	}
}

func TestDisabledSDKStillPassesContextOn(t *testing.T) {
	p := newProvider(t, env(tracing.EnvSDKDisabled, "true", tracing.EnvEndpoint, "http://127.0.0.1:1"))
	tr := p.TracerProvider().Tracer("test")
	_, root := tr.Start(context.Background(), "root")
	if root.SpanContext().IsValid() {
		t.Fatal("a disabled SDK made a span context")
	}
	parent := remoteParent(t)
	_, child := tr.Start(trace.ContextWithRemoteSpanContext(context.Background(), parent), "child")
	if child.SpanContext().TraceID() != parent.TraceID() {
		t.Fatal("a disabled SDK lost the caller's trace context")
	}
}

func TestSamplerFromEnvironment(t *testing.T) {
	parent := remoteParent(t) // sampled
	tests := []struct {
		name, sampler, arg   string
		wantRoot, wantParent bool
	}{
		{"default is parentbased_always_on", "", "", true, true},
		{"always_off", "always_off", "", false, false},
		{"always_on", "always_on", "", true, true},
		{"ratio 0", "traceidratio", "0", false, false},
		{"ratio 1", "traceidratio", "1", true, true},
		{"parent based ratio 0 follows a sampled parent", "parentbased_traceidratio", "0", false, true},
		{"parentbased_always_off follows a sampled parent", "parentbased_always_off", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, env(tracing.EnvSampler, tt.sampler, tracing.EnvSamplerArg, tt.arg))
			tr := p.TracerProvider().Tracer("test")
			_, root := tr.Start(context.Background(), "root")
			_, child := tr.Start(trace.ContextWithRemoteSpanContext(context.Background(), parent), "child")
			if root.SpanContext().IsSampled() != tt.wantRoot || child.SpanContext().IsSampled() != tt.wantParent {
				t.Fatalf("sampled root %v, child of sampled parent %v; want %v, %v",
					root.SpanContext().IsSampled(), child.SpanContext().IsSampled(), tt.wantRoot, tt.wantParent)
			}
		})
	}
}

func TestBadEnvironmentIsAClearError(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
		want string
	}{
		{"unknown sampler", []string{tracing.EnvSampler, "jaeger_remote"}, tracing.EnvSampler},
		{"ratio out of range", []string{tracing.EnvSampler, "traceidratio", tracing.EnvSamplerArg, "1.5"}, tracing.EnvSamplerArg},
		{"ratio not a number", []string{tracing.EnvSampler, "parentbased_traceidratio", tracing.EnvSamplerArg, "half"}, tracing.EnvSamplerArg},
		{"grpc protocol", []string{tracing.EnvEndpoint, "http://127.0.0.1:4317", tracing.EnvProtocol, "grpc"}, tracing.EnvProtocol},
		{"traces protocol wins", []string{tracing.EnvEndpoint, "http://127.0.0.1:4318", tracing.EnvProtocol, "http/protobuf", tracing.EnvTracesProtocol, "http/json"}, tracing.EnvTracesProtocol},
		{"endpoint without scheme", []string{tracing.EnvEndpoint, "collector:4318"}, tracing.EnvEndpoint},
		{"traces endpoint not a URL", []string{tracing.EnvTracesEndpoint, "http://"}, tracing.EnvTracesEndpoint},
		{"unknown exporter", []string{tracing.EnvTracesExporter, "zipkin"}, tracing.EnvTracesExporter},
		{"disabled not a bool", []string{tracing.EnvSDKDisabled, "yes please"}, tracing.EnvSDKDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tracing.New(context.Background(), tracing.Config{Getenv: env(tt.kv...)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestEndpointPasswordIsMasked(t *testing.T) {
	p := newProvider(t, env(tracing.EnvEndpoint, "https://bridge:s3cret@collector.example:4318"))
	if strings.Contains(p.Endpoint(), "s3cret") || !strings.Contains(p.Endpoint(), "collector.example:4318") {
		t.Fatalf("endpoint for logs %q", p.Endpoint())
	}
}

func TestExporterNoneExportsNothing(t *testing.T) {
	p := newProvider(t, env(tracing.EnvTracesExporter, "none", tracing.EnvEndpoint, "http://127.0.0.1:1"))
	if p.Endpoint() != "" {
		t.Fatalf("OTEL_TRACES_EXPORTER=none exports to %q", p.Endpoint())
	}
}
