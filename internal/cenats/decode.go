package cenats

import (
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
)

// Decode reads an event from NATS headers and payload, detecting the mode by
// Content-Type: application/cloudevents+json (parameters allowed) is
// structured, anything else is binary. The event is validated; every error
// wraps ErrInvalid and says what is wrong.
//
// A decoded event does not share memory with data.
func Decode(h nats.Header, data []byte) (event.Event, error) {
	ct, err := contentType(h)
	if err != nil {
		return event.Event{}, err
	}
	mt := mediaType(ct)
	switch {
	case mt == ContentTypeStructured:
		return decodeStructured(data)
	case mt == contentTypeBatch:
		return event.Event{}, invalid("unsupported content mode: batched (Content-Type %s)", contentTypeBatch)
	case strings.HasPrefix(mt, "application/cloudevents"):
		return event.Event{}, invalid("unsupported content mode: event format %q (only %s)", mt, ContentTypeStructured)
	}
	return decodeBinary(h, ct, data)
}

// contentType finds the Content-Type header whatever the case of its name;
// NATS headers are case-sensitive maps but the binding matches names
// case-insensitively.
func contentType(h nats.Header) (string, error) {
	var (
		found bool
		ct    string
	)
	for k, vs := range h {
		if !strings.EqualFold(k, "content-type") {
			continue
		}
		if found || len(vs) != 1 {
			return "", invalid("Content-Type must appear exactly once")
		}
		found, ct = true, vs[0]
	}
	if len(ct) > MaxHeaderValue {
		return "", invalid("Content-Type is %d bytes, at most %d", len(ct), MaxHeaderValue)
	}
	return strings.TrimSpace(ct), nil
}
