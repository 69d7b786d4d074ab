package cenats_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/cenats"
)

func TestEncodeBinaryHeaders(t *testing.T) {
	e := newEvent(t,
		withSubject(`4917612345678@s.whatsapp.net "Zoë" 50%`),
		withTime(time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("", 7200))),
		withExt("causationid", "cmd-42"),
		withExt("attempt", 2),
		withJSON(map[string]int{"n": 1}),
	)
	h, data, err := cenats.Encode(e, cenats.Binary)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	want := map[string]string{
		"ce-specversion": "1.0",
		"ce-id":          "3EB0C767D26A1D1E",
		"ce-source":      "/wabridge/default",
		"ce-type":        "io.wabridge.message.received",
		"ce-subject":     "4917612345678@s.whatsapp.net%20%22Zo%C3%AB%22%2050%25",
		"ce-time":        "2025-01-02T01:04:05Z",
		"ce-causationid": "cmd-42",
		"ce-attempt":     "2",
		"content-type":   "application/json",
	}
	got := lower(h)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("header %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("headers = %v, want exactly %v", got, want)
	}
	if string(data) != `{"n":1}` {
		t.Errorf("payload = %s", data)
	}
}

func TestEncodeStructured(t *testing.T) {
	h, body, err := cenats.Encode(newEvent(t, withExt("wasession", "default")), cenats.Structured)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if got := lower(h); len(got) != 1 || got["content-type"] != cenats.ContentTypeStructured {
		t.Fatalf("headers = %v, want only Content-Type %s", got, cenats.ContentTypeStructured)
	}
	for _, part := range []string{`"specversion":"1.0"`, `"id":"3EB0C767D26A1D1E"`, `"wasession":"default"`} {
		if !strings.Contains(string(body), part) {
			t.Errorf("body %s lacks %s", body, part)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	v03 := event.New(event.CloudEventsVersionV03)
	v03.SetID("1")
	v03.SetSource("/s")
	v03.SetType("t")
	tests := []struct {
		name string
		e    event.Event
		mode cenats.Mode
		want string
	}{
		{"no context", event.Event{}, cenats.Binary, "no context"},
		{"missing id", func() event.Event { e := event.New(); e.SetSource("/s"); e.SetType("t"); return e }(), cenats.Binary, "id: MUST be a non-empty string"},
		{"spec 0.3", v03, cenats.Structured, `unsupported specversion "0.3"`},
		{"control character", newEvent(t, withExt("note", "a\nb")), cenats.Binary, "control character"},
		{"value too long", newEvent(t, withExt("note", strings.Repeat("%", cenats.MaxHeaderValue/3+1))), cenats.Binary, "percent-encoded, at most"},
		{"invalid json data", newEvent(t, func(e *event.Event) {
			e.SetDataContentType("application/json")
			e.DataEncoded = []byte("{")
		}), cenats.Binary, "data is not valid JSON"},
		{"invalid json data structured", newEvent(t, func(e *event.Event) {
			e.SetDataContentType("application/json")
			e.DataEncoded = []byte("{")
		}), cenats.Structured, "writing structured event"},
		{"unknown mode", newEvent(t), cenats.Mode(7), "unsupported content mode Mode(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := cenats.Encode(tt.e, tt.mode)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Encode error = %v, want one containing %q", err, tt.want)
			}
			if _, err := cenats.NewMsg("s", tt.e, tt.mode); err == nil {
				t.Fatalf("NewMsg accepted what Encode rejects")
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    cenats.Mode
		wantErr bool
	}{
		{"binary", cenats.Binary, false},
		{"structured", cenats.Structured, false},
		{" Structured ", cenats.Structured, false},
		{"", 0, true},
		{"batch", 0, true},
	}
	for _, tt := range tests {
		got, err := cenats.ParseMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != strings.ToLower(strings.TrimSpace(tt.in)) {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
}
