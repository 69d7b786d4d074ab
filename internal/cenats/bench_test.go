package cenats_test

import (
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/cenats"
)

// benchmarkEvent is a typical message.received event.
func benchmarkEvent(b *testing.B) event.Event {
	b.Helper()
	return newEvent(b,
		withSubject("4917612345678@s.whatsapp.net"),
		withTime(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)),
		withExt("wasession", "default"),
		withExt("causationid", "cmd-0001"),
		withJSON(map[string]any{
			"id":   "false_4917612345678@s.whatsapp.net_3EB0C767D26A1D1E",
			"chat": map[string]string{"jid": "4917612345678@s.whatsapp.net"},
			"text": "Hello there, how are you?",
		}),
	)
}

func BenchmarkEncodeBinary(b *testing.B) {
	e := benchmarkEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := cenats.Encode(e, cenats.Binary); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBinary(b *testing.B) {
	h, data, err := cenats.Encode(benchmarkEvent(b), cenats.Binary)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cenats.Decode(h, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStructured(b *testing.B) {
	h, data, err := cenats.Encode(benchmarkEvent(b), cenats.Structured)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cenats.Decode(h, data); err != nil {
			b.Fatal(err)
		}
	}
}
