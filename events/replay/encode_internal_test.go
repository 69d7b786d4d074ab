package replay

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

func BenchmarkEncode(b *testing.B) {
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 7))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		h, data, err := cenats.Encode(ce, mode)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				if _, _, err := encode(h, data, uint64(i+1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFastEncodeAgreesWithTheGeneralPath: for what the outbox stores, the
// fast path's JSON reads back as the same event as the general path's; what
// it does not handle goes to the general path.
func TestFastEncodeAgreesWithTheGeneralPath(t *testing.T) {
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 3))
	if err != nil {
		t.Fatal(err)
	}
	ce.SetExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	h, data, err := cenats.Encode(ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	h.Set("Nats-Msg-Id", ce.ID())
	h["ce-seq"] = []string{"999"} // a stored seq never wins over the stream's
	_, fast, ok := encodeFast(h, data, 42)
	if !ok {
		t.Fatal("the outbox's shape did not take the fast path")
	}
	delete(h, "ce-seq")
	e, err := cenats.Decode(h, data)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	read := func(raw []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		return m
	}
	f, s := read(fast), read(slow)
	if f["seq"] != float64(42) {
		t.Fatalf("seq %v, want 42", f["seq"])
	}
	delete(f, "seq")
	if !reflect.DeepEqual(f, s) {
		t.Fatalf("fast %s\nslow %s", fast, slow)
	}

	for name, edit := range map[string]func(nats.Header) ([]byte, bool){
		"percent-encoded value": func(h nats.Header) ([]byte, bool) { h["ce-subject"] = []string{"a%20b@g.us"}; return data, true },
		"other content type":    func(h nats.Header) ([]byte, bool) { h["Content-Type"] = []string{"text/plain"}; return data, true },
		"invalid data":          func(h nats.Header) ([]byte, bool) { return []byte(`{"a":`), true },
		"data over lines":       func(h nats.Header) ([]byte, bool) { return []byte("{\n\"a\": 1}"), true },
		"no id":                 func(h nats.Header) ([]byte, bool) { delete(h, "ce-id"); return data, true },
		"a name twice":          func(h nats.Header) ([]byte, bool) { h["Ce-Id"] = []string{"x"}; return data, true },
		"bad extension name":    func(h nats.Header) ([]byte, bool) { h["ce-Bad_Name"] = []string{"x"}; return data, true },
		"bad time":              func(h nats.Header) ([]byte, bool) { h["ce-time"] = []string{"yesterday"}; return data, true },
	} {
		h2, _, _ := cenats.Encode(ce, cenats.Binary)
		d, _ := edit(h2)
		if _, _, ok := encodeFast(h2, d, 1); ok {
			t.Errorf("%s took the fast path", name)
		}
	}
}
