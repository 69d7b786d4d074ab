package httpadapter

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/wabridge/wabridge/internal/tracing"
)

// HeaderTraceParent is the W3C trace context header (CONTRACT §11).
const HeaderTraceParent = "traceparent"

const tracerName = "github.com/wabridge/wabridge/httpadapter"

// traceRequests runs each request in a server span that continues the
// caller's traceparent header (a missing or malformed one starts a new
// trace) and answers with the span's traceparent, so the caller can find
// what its request did. A command request hands the span on in its
// CloudEvent (commandHandler.buildEvent), so the command's span is its
// child. Health probes are not traced: they would drown the rest.
func traceRequests(tp trace.TracerProvider) gin.HandlerFunc {
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	tracer := tp.Tracer(tracerName)
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == pathHealthz || route == pathReadyz {
			c.Next()
			return
		}
		ctx := tracing.FromHeaders(c.Request.Context(), c.Request.Header.Get)
		name := c.Request.Method
		attrs := []attribute.KeyValue{attribute.String("http.request.method", c.Request.Method)}
		if route != "" {
			// The route's pattern, never the path: paths carry phone
			// numbers and JIDs.
			name += " " + route
			attrs = append(attrs, attribute.String("http.route", route))
		}
		ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
		defer span.End()
		if tp := tracing.Header(ctx); tp != "" {
			c.Header(HeaderTraceParent, tp)
		}
		// Left in place after Next, so the request log line carries the
		// span's ids too.
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		status := c.Writer.Status()
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= http.StatusInternalServerError {
			// Server spans are errors for 5xx only; a 4xx is the caller's.
			span.SetStatus(codes.Error, http.StatusText(status))
		}
	}
}
