package cenats_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

func binaryHeaders(extra map[string]string) nats.Header {
	h := nats.Header{
		"ce-specversion": {"1.0"},
		"ce-id":          {"id-1"},
		"ce-source":      {"/wabridge/default"},
		"ce-type":        {"io.wabridge.command.send.message"},
	}
	for k, v := range extra {
		if v == "\x00delete" {
			delete(h, k)
			continue
		}
		h[k] = []string{v}
	}
	return h
}

func TestDecodeHeaderNamesCaseInsensitive(t *testing.T) {
	h := nats.Header{
		"CE-SPECVERSION":   {"1.0"},
		"CE-ID":            {"id-1"},
		"Ce-Source":        {"/wabridge/default"},
		"ce-Type":          {"io.wabridge.command.send.message"},
		"Ce-Subject":       {"4917612345678%40s.whatsapp.net"},
		"CE-CORRELATIONID": {"abc"},
		"content-TYPE":     {"application/json"},
		"Nats-Msg-Id":      {"ignored"},
		"traceparent":      {"ignored too"},
	}
	e, err := cenats.Decode(h, []byte(`{}`))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.ID() != "id-1" || e.Source() != "/wabridge/default" || e.Type() != "io.wabridge.command.send.message" {
		t.Fatalf("required attributes = %q %q %q", e.ID(), e.Source(), e.Type())
	}
	if e.Subject() != "4917612345678@s.whatsapp.net" {
		t.Fatalf("subject = %q", e.Subject())
	}
	if got := e.Extensions()["correlationid"]; got != "abc" {
		t.Fatalf("correlationid = %v", got)
	}
	if len(e.Extensions()) != 1 {
		t.Fatalf("extensions = %v, want only correlationid", e.Extensions())
	}
	if e.DataContentType() != "application/json" {
		t.Fatalf("datacontenttype = %q", e.DataContentType())
	}
}

func TestDecodeDetectsModeByContentType(t *testing.T) {
	structured := []byte(`{"specversion":"1.0","id":"s-1","source":"/s","type":"t","data":{"a":1}}`)
	tests := []struct {
		name     string
		header   string
		ct       string
		payload  []byte
		wantID   string
		wantData string
	}{
		{"structured", "Content-Type", "application/cloudevents+json", structured, "s-1", `{"a":1}`},
		{"structured with charset", "Content-Type", "application/cloudevents+json; charset=utf-8", structured, "s-1", `{"a":1}`},
		{"structured odd case", "content-type", "Application/CloudEvents+JSON ;charset=UTF-8", structured, "s-1", `{"a":1}`},
		{"binary json", "Content-Type", "application/json", []byte(`{"b":2}`), "id-1", `{"b":2}`},
		{"binary without content type", "", "", []byte(`{"b":2}`), "id-1", `{"b":2}`},
		{"binary text", "Content-Type", "text/plain", []byte(`plain`), "id-1", `plain`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := map[string]string{}
			if tt.header != "" {
				extra[tt.header] = tt.ct
			}
			e, err := cenats.Decode(binaryHeaders(extra), tt.payload)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if e.ID() != tt.wantID || string(e.Data()) != tt.wantData {
				t.Fatalf("got id %q data %s, want %q %s", e.ID(), e.Data(), tt.wantID, tt.wantData)
			}
		})
	}
}

func TestDecodeDataContentTypeHeader(t *testing.T) {
	e, err := cenats.Decode(binaryHeaders(map[string]string{"ce-datacontenttype": "text/plain"}), []byte("hi"))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.DataContentType() != "text/plain" || string(e.Data()) != "hi" {
		t.Fatalf("datacontenttype %q data %q", e.DataContentType(), e.Data())
	}
}

// Both headers may carry the type with different parameters; the media
// types agree, and ce-datacontenttype wins.
func TestDecodeContentTypesDifferingInParameters(t *testing.T) {
	h := binaryHeaders(map[string]string{"ce-datacontenttype": "application/json", "Content-Type": "Application/JSON; charset=utf-8"})
	e, err := cenats.Decode(h, []byte(`{"a":1}`))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.DataContentType() != "application/json" {
		t.Fatalf("datacontenttype %q, want the ce- header's", e.DataContentType())
	}
}

func TestDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", cenats.MaxHeaderValue+1)
	many := map[string]string{}
	for i := range cenats.MaxAttributes {
		many["ce-x"+strings.Repeat("a", i)] = "v"
	}
	tests := []struct {
		name    string
		h       nats.Header
		payload string
		want    string
	}{
		{"missing specversion", binaryHeaders(map[string]string{"ce-specversion": "\x00delete"}), "", "missing ce-specversion"},
		{"no headers at all", nil, `{"specversion":"1.0"}`, "missing ce-specversion"},
		{"old specversion binary", binaryHeaders(map[string]string{"ce-specversion": "0.3"}), "", `unsupported ce-specversion "0.3"`},
		{"missing id", binaryHeaders(map[string]string{"ce-id": "\x00delete"}), "", "id: MUST be a non-empty string"},
		{"missing source", binaryHeaders(map[string]string{"ce-source": "\x00delete"}), "", "source: REQUIRED"},
		{"missing type", binaryHeaders(map[string]string{"ce-type": "\x00delete"}), "", "type: MUST be a non-empty string"},
		{"bad escape", binaryHeaders(map[string]string{"ce-subject": "100%"}), "", "invalid percent-encoding in ce-subject"},
		{"bad hex escape", binaryHeaders(map[string]string{"ce-subject": "%zz"}), "", "invalid percent-encoding in ce-subject"},
		{"escape to invalid utf-8", binaryHeaders(map[string]string{"ce-subject": "%C3%28"}), "", "not valid UTF-8 after percent-decoding in ce-subject"},
		{"escape to control char", binaryHeaders(map[string]string{"ce-subject": "a%0Ab"}), "", "attribute subject contains control character U+000A"},
		{"bad time", binaryHeaders(map[string]string{"ce-time": "yesterday"}), "", `ce-time "yesterday" is not an RFC 3339 timestamp`},
		{"bad source", binaryHeaders(map[string]string{"ce-source": "%3A%2F%2F"}), "", `ce-source "://" is not a URI-reference`},
		{"bad extension name", binaryHeaders(map[string]string{"ce-foo-bar": "x"}), "", `extension name "foo-bar"`},
		{"reserved extension name", binaryHeaders(map[string]string{"ce-data": "x"}), "", `"data" is reserved`},
		{"duplicate header by case", func() nats.Header {
			h := binaryHeaders(nil)
			h["CE-ID"] = []string{"other"}
			return h
		}(), "", "duplicate header ce-id"},
		{"repeated header", func() nats.Header {
			h := binaryHeaders(nil)
			h.Add("ce-id", "second")
			return h
		}(), "", "header ce-id has 2 values"},
		{"value too long", binaryHeaders(map[string]string{"ce-subject": long}), "", "header ce-subject is 4097 bytes"},
		{"too many headers", binaryHeaders(many), "", "more than 64 ce- headers"},
		{"declared json not json", binaryHeaders(map[string]string{"Content-Type": "application/json"}), "{nope", "payload is not valid JSON"},
		{"content types disagree", binaryHeaders(map[string]string{"Content-Type": "application/json", "ce-datacontenttype": "text/plain"}), "x", "disagree"},
		{"bad datacontenttype", binaryHeaders(map[string]string{"Content-Type": "not a type"}), "x", "datacontenttype: failed to parse"},
		{"batch mode", binaryHeaders(map[string]string{"Content-Type": "application/cloudevents-batch+json"}), "[]", "unsupported content mode: batched"},
		{"other event format", binaryHeaders(map[string]string{"Content-Type": "application/cloudevents+avro"}), "x", "unsupported content mode: event format"},
		{"structured empty", structuredHeader(), "", "empty payload"},
		{"structured not json", structuredHeader(), "{", "not a JSON event object"},
		{"structured array", structuredHeader(), `[{"specversion":"1.0"}]`, "not a JSON event object"},
		{"structured trailing data", structuredHeader(), `{"specversion":"1.0","id":"1","source":"/s","type":"t"} {}`, "not a JSON event object"},
		{"structured no specversion", structuredHeader(), `{"id":"1","source":"/s","type":"t"}`, "no specversion"},
		{"structured old specversion", structuredHeader(), `{"specversion":"0.3","id":"1","source":"/s","type":"t"}`, `unsupported specversion "0.3"`},
		{"structured unknown specversion", structuredHeader(), `{"specversion":"2.0","id":"1","source":"/s","type":"t"}`, "specversion: unknown value: 2.0"},
		{"structured missing id", structuredHeader(), `{"specversion":"1.0","source":"/s","type":"t"}`, "id: MUST be a non-empty string"},
		{"structured data twice", structuredHeader(), `{"specversion":"1.0","id":"1","source":"/s","type":"t","data":1,"data_base64":"AA=="}`, "both data and data_base64"},
		{"structured object extension", structuredHeader(), `{"specversion":"1.0","id":"1","source":"/s","type":"t","ext":{"a":1}}`, "invalid CloudEvents value"},
		{"structured control char", structuredHeader(), `{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"a\u0007b"}`, "control character"},
		{"structured time out of range", structuredHeader(), `{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"0000-01-01T00:00:00+01:00"}`, "outside the years"},
		{"two content types", nats.Header{"Content-Type": {"a/b"}, "content-type": {"a/b"}}, "", "Content-Type must appear exactly once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cenats.Decode(tt.h, []byte(tt.payload))
			if err == nil {
				t.Fatalf("Decode succeeded, want error containing %q", tt.want)
			}
			if !errors.Is(err, cenats.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func structuredHeader() nats.Header {
	return nats.Header{"Content-Type": {cenats.ContentTypeStructured}}
}
