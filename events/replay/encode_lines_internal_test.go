package replay

import (
	"bytes"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// A carriage return ends a line for Server-Sent Events (and for many
// NDJSON readers) as a newline does: JSON data that another publisher
// stored with CRs as whitespace must still come out as one line, in both
// content modes.
func TestEncodedEventHasNoLineBreak(t *testing.T) {
	ce, err := events.NewCloudEvent(events.NumberedSample("default", 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"{\"a\":1,\r\"b\":2}", "{\"a\":1,\r\n\"b\":2}", "{\"a\":\r1}"} {
		for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
			if err := ce.SetData("application/json", []byte(data)); err != nil {
				t.Fatal(err)
			}
			h, payload, err := cenats.Encode(ce, mode)
			if err != nil {
				t.Fatal(err)
			}
			_, out, err := encode(h, payload, 7)
			if err != nil {
				t.Fatalf("mode %v, data %q: %v", mode, data, err)
			}
			if bytes.ContainsAny(out, "\r\n") {
				t.Fatalf("mode %v, data %q: the event spans lines: %q", mode, data, out)
			}
		}
	}
}
