package webhooks

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/bytedance/sonic"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// Delivery is one event as the CloudEvents HTTP binding carries it in one
// mode: built once, posted by every attempt (each signs it anew).
type Delivery struct {
	ID     string      // the CloudEvent id: webhook-id
	Header http.Header // ce-* (binary mode) and Content-Type, canonical names
	Body   []byte
}

// PrepareEvent is ce's delivery in mode.
func PrepareEvent(ce event.Event, mode cenats.Mode) (Delivery, error) {
	h, body, err := cenats.Encode(ce, mode)
	if err != nil {
		return Delivery{}, fmt.Errorf("encoding cloudevent %s for HTTP: %w", ce.ID(), err)
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		out[http.CanonicalHeaderKey(k)] = vs
	}
	return Delivery{ID: ce.ID(), Header: out, Body: body}, nil
}

// prepareStored is the delivery of an event as WA_EVENTS stores it (the
// NATS binding's form). In binary mode the outbox's usual shape is taken
// as it is: the HTTP binding's binary headers are those of the NATS
// binding, so decoding it into an sdk-go event and encoding that again
// (most of a delivery's CPU) would write the same headers and body.
// Anything else goes through Decode, which validates and says what is
// wrong; an error means the message is no CloudEvent.
func prepareStored(h nats.Header, data []byte, mode cenats.Mode) (Delivery, error) {
	if mode == cenats.Binary {
		if d, ok := binaryAsIs(h, data); ok {
			return d, nil
		}
	}
	ce, err := cenats.Decode(h, data)
	if err != nil {
		return Delivery{}, err
	}
	return PrepareEvent(ce, mode)
}

// binaryAsIs is the binary delivery of a stored binary-mode event whose
// headers Decode then Encode would give back unchanged: ce-* values with
// nothing to percent-decode, lower-case attribute names, a canonical time
// and source, Content-Type application/json and valid JSON data. ok is
// false for anything else (it then takes the general path).
func binaryAsIs(h nats.Header, data []byte) (d Delivery, ok bool) {
	if len(h) > cenats.MaxAttributes+8 || len(data) == 0 {
		return Delivery{}, false
	}
	out := make(http.Header, len(h))
	var core [4]string // specversion, id, source, type
	attrs := 0
	for k, vs := range h {
		if strings.EqualFold(k, "content-type") {
			if len(vs) != 1 || vs[0] != "application/json" {
				return Delivery{}, false
			}
			out["Content-Type"] = vs
			continue
		}
		if len(k) < 4 || !strings.EqualFold(k[:3], "ce-") {
			continue // Nats-Msg-Id, tracing and dead-letter headers are not the event's
		}
		name := k[3:]
		if attrs++; attrs > cenats.MaxAttributes || len(vs) != 1 || !asIsAttribute(name, vs[0]) {
			return Delivery{}, false
		}
		key := http.CanonicalHeaderKey(k)
		if _, dup := out[key]; dup {
			return Delivery{}, false // the same attribute under two spellings
		}
		out[key] = vs
		switch name {
		case "specversion":
			core[0] = vs[0]
		case "id":
			core[1] = vs[0]
		case "source":
			core[2] = vs[0]
		case "type":
			core[3] = vs[0]
		}
	}
	if core[0] != event.CloudEventsVersionV1 || core[1] == "" || core[2] == "" || core[3] == "" ||
		out["Content-Type"] == nil || !sonic.Valid(data) {
		return Delivery{}, false
	}
	return Delivery{ID: core[1], Header: out, Body: data}, true
}

// asIsAttribute reports whether the attribute name=v reads and writes back
// the same: a lower-case name the general path keeps as a header, and a
// value it neither decodes nor re-formats.
func asIsAttribute(name, v string) bool {
	if !plainName(name) || !plainValue(v) || len(v) > cenats.MaxHeaderValue {
		return false
	}
	switch name {
	case "datacontenttype", "dataschema", "data":
		return false // moved to Content-Type, parsed as a URI, reserved
	case "time":
		t, err := types.ParseTimestamp(v)
		return err == nil && types.FormatTime(t.Time) == v
	case "source":
		u := types.ParseURIRef(v)
		return u != nil && u.String() == v
	}
	return true
}

// plainName: lower-case letters and digits, as CloudEvents names are, of
// the length the general path accepts for extensions.
func plainName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// plainValue: printable ASCII with nothing percent-encoded and nothing
// that would be; an empty value (an absent optional attribute to the
// general path) is not.
func plainValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '%' || c == '"' {
			return false
		}
	}
	return true
}
