package cenats

import (
	"encoding/json"
	"fmt"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
)

// Encode writes e in the given mode. Binary: every attribute, extensions too
// (e.g. ce-causationid), as a percent-encoded ce-* header, datacontenttype as
// Content-Type, data as the payload. Structured: Content-Type
// application/cloudevents+json and the JSON event format as the payload.
//
// e must be a valid CloudEvents 1.0 event within the limits Decode enforces,
// so that whatever Encode writes, Decode reads back. In binary mode the
// payload is e's data slice itself, not a copy.
func Encode(e event.Event, mode Mode) (nats.Header, []byte, error) {
	attrs, err := conform(e)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding event %q: %w", e.ID(), err)
	}
	switch mode {
	case Binary:
		if err := checkJSONData(e); err != nil {
			return nil, nil, fmt.Errorf("encoding event %q: %w", e.ID(), err)
		}
		h, data := encodeBinary(e, attrs)
		return h, data, nil
	case Structured:
		return encodeStructured(e)
	}
	return nil, nil, fmt.Errorf("encoding event %q: unsupported content mode %s", e.ID(), mode)
}

// NewMsg is Encode into a *nats.Msg for subject.
func NewMsg(subject string, e event.Event, mode Mode) (*nats.Msg, error) {
	h, data, err := Encode(e, mode)
	if err != nil {
		return nil, err
	}
	return &nats.Msg{Subject: subject, Header: h, Data: data}, nil
}

// checkJSONData refuses to send data declared as JSON that is not, which
// Decode would reject; structured mode gets the same check from json.Marshal.
func checkJSONData(e event.Event) error {
	if e.DataBase64 || len(e.DataEncoded) == 0 || e.DataContentType() == "" {
		return nil
	}
	if isJSON(mediaType(e.DataContentType())) && !json.Valid(e.DataEncoded) {
		return fmt.Errorf("data is not valid JSON but datacontenttype is %q", e.DataContentType())
	}
	return nil
}
