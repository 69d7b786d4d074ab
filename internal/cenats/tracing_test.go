package cenats_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/tracing"
)

const (
	traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traceState  = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
)

// The distributed tracing extension is an ordinary string extension: it
// must survive both modes unchanged and still read as the same trace
// context (CONTRACT §11).
func TestTraceContextSurvivesBothModes(t *testing.T) {
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			want := newEvent(t, withExt(tracing.ExtTraceParent, traceParent), withExt(tracing.ExtTraceState, traceState),
				withJSON(map[string]any{"phone": "4917612345678", "message": "hi"}))
			msg, err := cenats.NewMsg("wa.default.rpc.send.message", want, mode)
			if err != nil {
				t.Fatal(err)
			}
			if mode == cenats.Binary && msg.Header.Get("ce-traceparent") != traceParent {
				t.Fatalf("binary headers %v: want ce-traceparent as it is", msg.Header)
			}
			if mode == cenats.Structured {
				var members map[string]any
				if err := json.Unmarshal(msg.Data, &members); err != nil || members["traceparent"] != traceParent || members["tracestate"] != traceState {
					t.Fatalf("structured payload %s: want traceparent and tracestate members", msg.Data)
				}
			}
			got, err := cenats.Decode(msg.Header, msg.Data)
			if err != nil {
				t.Fatal(err)
			}
			sameEvent(t, want, got)
			sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), got))
			if sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID().String() != "00f067aa0ba902b7" ||
				sc.TraceState().String() != traceState {
				t.Fatalf("decoded span context %v, state %q", sc, sc.TraceState())
			}
		})
	}
}

// A binary-mode sender may spell the header in any case, as NATS clients
// do for HTTP-style names.
func TestTraceParentHeaderAnyCase(t *testing.T) {
	h := nats.Header{}
	h["Ce-Specversion"] = []string{"1.0"}
	h["Ce-Id"] = []string{"1"}
	h["Ce-Source"] = []string{"/svc"}
	h["Ce-Type"] = []string{"io.wabridge.command.send.message"}
	h["Ce-Traceparent"] = []string{traceParent}
	got, err := cenats.Decode(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sc := trace.SpanContextFromContext(tracing.FromEvent(context.Background(), got)); !sc.IsValid() {
		t.Fatalf("Ce-Traceparent not read; extensions %v", got.Extensions())
	}
}
