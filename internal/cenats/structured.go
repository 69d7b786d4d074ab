package cenats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
)

// peek is what the structured decoder needs to know before handing the payload
// to sdk-go. Unmarshalling into it also checks that the payload is one valid
// JSON object with nothing after it, which sdk-go's reader does not.
type peek struct {
	DataContentType *string         `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
	DataBase64      json.RawMessage `json:"data_base64"`
}

// decodeStructured reads a structured-mode payload with sdk-go's JSON format.
func decodeStructured(data []byte) (event.Event, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return event.Event{}, invalid("structured mode with an empty payload")
	}
	var p peek
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, invalid("structured payload is not a JSON event object: %v", err)
	}
	if p.Data != nil && p.DataBase64 != nil {
		return event.Event{}, invalid("structured payload has both data and data_base64")
	}
	var (
		e   event.Event
		err error
	)
	if p.DataContentType != nil && p.Data != nil && isJSON(mediaType(*p.DataContentType)) && !sdkReadsAsJSON(*p.DataContentType) {
		e, err = decodeSuffixJSON(data, p.Data)
	} else {
		err = e.UnmarshalJSON(data)
	}
	if err != nil {
		return event.Event{}, invalid("reading structured event: %v", describeValidation(err))
	}
	ec, ok := e.Context.(*event.EventContextV1)
	if !ok {
		return event.Event{}, invalid("unsupported specversion %q: only %s is supported", e.SpecVersion(), event.CloudEventsVersionV1)
	}
	if ec.DataContentType != nil {
		// Binary mode carries it as a header, which loses surrounding
		// whitespace; trim here too so both modes agree.
		ct := strings.TrimSpace(*ec.DataContentType)
		ec.DataContentType = &ct
	}
	if _, err := conform(e); err != nil {
		return event.Event{}, invalid("%v", err)
	}
	// sdk-go may keep slices of its input; the caller's buffer stays theirs.
	e.DataEncoded = bytes.Clone(e.DataEncoded)
	return e, nil
}

// decodeSuffixJSON lets sdk-go read everything but "data", which it would
// reject for a JSON type it does not recognise (a "+json" suffix, a type in
// upper case), and keeps that value as JSON text.
func decodeSuffixJSON(payload []byte, data json.RawMessage) (event.Event, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(payload, &members); err != nil {
		return event.Event{}, err
	}
	delete(members, "data")
	rest, err := json.Marshal(members)
	if err != nil {
		return event.Event{}, err
	}
	var e event.Event
	if err := e.UnmarshalJSON(rest); err != nil {
		return event.Event{}, err
	}
	e.DataEncoded = data
	e.DataBase64 = false
	return e, nil
}

// encodeStructured writes e in sdk-go's JSON format, except that JSON data of a
// type sdk-go does not recognise as JSON ("+json" suffixes) is written as a
// JSON value, as the JSON format asks, rather than as a string.
func encodeStructured(e event.Event) (nats.Header, []byte, error) {
	h := nats.Header{"Content-Type": []string{ContentTypeStructured}}
	if e.DataBase64 || len(e.DataEncoded) == 0 || !isJSON(mediaType(e.DataContentType())) || sdkWritesAsJSON(e.DataContentType()) {
		body, err := json.Marshal(e)
		if err != nil {
			return nil, nil, fmt.Errorf("writing structured event: %w", err)
		}
		return h, body, nil
	}
	bare := e.Clone()
	bare.DataEncoded = nil
	body, err := json.Marshal(bare)
	if err != nil {
		return nil, nil, fmt.Errorf("writing structured event: %w", err)
	}
	data := new(bytes.Buffer)
	if err := json.Compact(data, e.DataEncoded); err != nil {
		return nil, nil, fmt.Errorf("writing structured event: data is not JSON: %w", err)
	}
	// body is a JSON object with at least specversion, so it ends in '}' and
	// the data member can be appended after a comma.
	out := make([]byte, 0, len(body)+len(`,"data":`)+data.Len())
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"data":`...)
	out = append(out, data.Bytes()...)
	out = append(out, '}')
	return h, out, nil
}
