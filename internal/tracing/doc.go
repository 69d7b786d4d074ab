// Package tracing carries W3C trace context through the bridge and builds
// the OpenTelemetry TracerProvider its spans go to (CONTRACT §11).
//
// The provider is configured by the standard OpenTelemetry environment
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, …):
// spans are exported over OTLP/HTTP only when an endpoint is set, but trace
// context propagates either way, so ids reach logs and result events
// without a collector.
//
// Trace context travels as the CloudEvents distributed tracing extension
// (traceparent, tracestate) on command and result events and as the W3C
// traceparent header over HTTP; both go through propagation.TraceContext,
// so malformed input is ignored (a new trace starts) and never an error.
// Nothing here is global: the provider is passed to whoever makes spans,
// and code below a span finds it through that span
// (trace.SpanFromContext(ctx).TracerProvider()).
//
// tracing may import the standard library, OpenTelemetry and sdk-go's event
// package; it knows nothing of wabridge's commands, sessions or subjects.
package tracing
