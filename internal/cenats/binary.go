package cenats

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/nats-io/nats.go"
)

const headerPrefix = "ce-"

// decodeBinary reads a binary-mode message: attributes from ce-* headers,
// the data's type from ce-datacontenttype or Content-Type, data from the payload.
func decodeBinary(h nats.Header, ct string, data []byte) (event.Event, error) {
	ec := &event.EventContextV1{}
	var (
		count       int
		seen        = make(map[string]bool, len(h))
		specVersion bool
		ceCT        *string
	)
	for k, vs := range h {
		name := strings.ToLower(k)
		if !strings.HasPrefix(name, headerPrefix) {
			continue // Nats-Msg-Id, tracing headers and the like are not ours.
		}
		if count++; count > MaxAttributes {
			return event.Event{}, invalid("more than %d ce- headers", MaxAttributes)
		}
		if seen[name] {
			return event.Event{}, invalid("duplicate header %s (header names are case-insensitive)", name)
		}
		seen[name] = true
		if len(vs) != 1 {
			return event.Event{}, invalid("header %s has %d values, want 1", name, len(vs))
		}
		if len(vs[0]) > MaxHeaderValue {
			return event.Event{}, invalid("header %s is %d bytes, at most %d", name, len(vs[0]), MaxHeaderValue)
		}
		v, err := percentDecode(vs[0])
		if err != nil {
			return event.Event{}, invalid("%v in %s", err, name)
		}
		attrName := name[len(headerPrefix):]
		switch attrName {
		case "specversion":
			if v != event.CloudEventsVersionV1 {
				return event.Event{}, invalid("unsupported ce-specversion %q: only %s", v, event.CloudEventsVersionV1)
			}
			specVersion = true
		case "datacontenttype":
			ceCT = &v
		default:
			if err := setAttribute(ec, attrName, v); err != nil {
				return event.Event{}, err
			}
		}
	}
	if !specVersion {
		return event.Event{}, invalid("missing ce-specversion")
	}
	// Parameters (charset) may differ; the media types may not. The explicit
	// ce-datacontenttype then wins.
	if ceCT != nil && ct != "" && mediaType(*ceCT) != mediaType(ct) {
		return event.Event{}, invalid("ce-datacontenttype %q and Content-Type %q disagree", *ceCT, ct)
	}
	if ceCT != nil {
		ct = *ceCT
	}
	e := event.Event{Context: ec}
	if err := setBinaryData(&e, ct, data); err != nil {
		return event.Event{}, err
	}
	if _, err := conform(e); err != nil {
		return event.Event{}, invalid("%v", err)
	}
	return e, nil
}

// setAttribute sets one decoded ce-* header value, parsed as the attribute's
// type requires. Empty optional attributes count as absent, as in sdk-go's
// JSON reader, so both modes agree.
func setAttribute(ec *event.EventContextV1, name, v string) error {
	switch name {
	case "id":
		ec.ID = v
	case "type":
		ec.Type = v
	case "source":
		u := types.ParseURIRef(v)
		if u == nil {
			return invalid("ce-source %q is not a URI-reference", v)
		}
		ec.Source = *u
	case "subject":
		if v != "" {
			ec.Subject = &v
		}
	case "time":
		t, err := types.ParseTimestamp(v)
		if err != nil {
			return invalid("ce-time %q is not an RFC 3339 timestamp", v)
		}
		ec.Time = t
	case "dataschema":
		if v == "" {
			return nil
		}
		u := types.ParseURI(v)
		if u == nil {
			return invalid("ce-dataschema %q is not a URI", v)
		}
		ec.DataSchema = u
	default:
		if err := checkExtensionName(name); err != nil {
			return invalid("header ce-%s: %v", name, err)
		}
		// Binary mode cannot say which type an extension had, so it stays
		// a string; readers convert with types.ToInteger and friends.
		if err := ec.SetExtension(name, v); err != nil {
			return invalid("header ce-%s: %v", name, err)
		}
	}
	return nil
}

// setBinaryData keeps JSON payloads as JSON, so DataAs works and structured
// re-encoding writes "data" rather than "data_base64"; other payloads stay
// opaque bytes. A payload without any declared type is JSON if it parses as
// JSON, otherwise bytes: we do not reject what we can carry losslessly.
func setBinaryData(e *event.Event, ct string, data []byte) error {
	if ct != "" {
		e.SetDataContentType(ct)
	}
	if len(data) == 0 {
		return nil
	}
	mt := mediaType(ct)
	asJSON := isJSON(mt) && json.Valid(data)
	if isJSON(mt) && ct != "" && !asJSON {
		return invalid("payload is not valid JSON but datacontenttype is %q", ct)
	}
	e.DataEncoded = bytes.Clone(data)
	e.DataBase64 = !asJSON
	return nil
}

// encodeBinary writes conformed attributes as percent-encoded ce-* headers;
// datacontenttype travels as Content-Type, as the HTTP binding (which the NATS
// draft follows) prescribes.
func encodeBinary(e event.Event, attrs []attr) (nats.Header, []byte) {
	h := make(nats.Header, len(attrs))
	for _, a := range attrs {
		if a.name == "datacontenttype" {
			h["Content-Type"] = []string{strings.TrimSpace(a.value)}
			continue
		}
		h[headerPrefix+a.name] = []string{percentEncode(a.value)}
	}
	return h, e.Data()
}
