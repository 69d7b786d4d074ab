package cenats_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/cenats"
)

func TestRoundTrip(t *testing.T) {
	ts := time.Date(2025, 3, 1, 12, 30, 45, 123456789, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		opts []func(*event.Event)
	}{
		{"minimal", nil},
		{"json data", []func(*event.Event){withJSON(map[string]any{"text": "hi ünïcode", "n": 3})}},
		{"json string data", []func(*event.Event){withJSON("just a string")}},
		{"all optional attributes", []func(*event.Event){
			withSubject("4917612345678@s.whatsapp.net"), withTime(ts),
			func(e *event.Event) { e.SetDataSchema("https://wabridge.io/schemas/message.received.json") },
			withJSON(map[string]any{"ok": true}),
		}},
		{"extensions of every type", []func(*event.Event){
			withExt("causationid", "cmd-1"), withExt("correlationid", "corr 1 %"),
			withExt("wasession", "default"), withExt("attempt", 3), withExt("replayed", true),
		}},
		{"group jid subject", []func(*event.Event){withSubject("120363041234567890@g.us")}},
		{"subject needing percent-encoding", []func(*event.Event){withSubject(`a b "quoted" 100% ünï 🙂 @lid`)}},
		{"binary data", []func(*event.Event){withBytes("image/jpeg", []byte{0xff, 0xd8, 0x00, 0x01, 0x80})}},
		{"text data", []func(*event.Event){withBytes("text/plain; charset=utf-8", []byte("hello\nworld"))}},
		{"json suffix type", []func(*event.Event){func(e *event.Event) {
			e.SetDataContentType("application/vnd.wabridge.result+json")
			e.DataEncoded = []byte(`{"status":200,"message":"Success"}`)
		}}},
		{"json with parameters", []func(*event.Event){func(e *event.Event) {
			e.SetDataContentType("application/json; charset=utf-8")
			e.DataEncoded = []byte(`[1,2,3]`)
		}}},
	}
	for _, tt := range tests {
		for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				want := newEvent(t, tt.opts...)
				msg, err := cenats.NewMsg("wa.default.evt.message.received", want, mode)
				if err != nil {
					t.Fatalf("NewMsg: %v", err)
				}
				got, err := cenats.Decode(msg.Header, msg.Data)
				if err != nil {
					t.Fatalf("Decode: %v\nheaders %v\npayload %s", err, msg.Header, msg.Data)
				}
				sameEvent(t, want, got)
			})
		}
	}
}

// JSON data must stay JSON through binary decoding: DataAs works and the
// structured form carries "data", not "data_base64".
func TestBinaryJSONDataStaysJSON(t *testing.T) {
	for _, ct := range []string{"application/json", "", "text/json", "application/vnd.x+json"} {
		t.Run(ct, func(t *testing.T) {
			h := map[string][]string{
				"ce-specversion": {"1.0"}, "ce-id": {"1"}, "ce-source": {"/s"}, "ce-type": {"t"},
			}
			if ct != "" {
				h["Content-Type"] = []string{ct}
			}
			e, err := cenats.Decode(h, []byte(`{"text":"hi"}`))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var v struct{ Text string }
			if err := json.Unmarshal(e.Data(), &v); err != nil || v.Text != "hi" {
				t.Fatalf("data = %s (%v), want the JSON payload", e.Data(), err)
			}
			_, body, err := cenats.Encode(e, cenats.Structured)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			var members map[string]json.RawMessage
			if err := json.Unmarshal(body, &members); err != nil {
				t.Fatalf("structured body %s: %v", body, err)
			}
			if string(members["data"]) != `{"text":"hi"}` || members["data_base64"] != nil {
				t.Fatalf("structured body %s: want data as a JSON object", body)
			}
		})
	}
}

func TestBinaryDataAs(t *testing.T) {
	h := map[string][]string{
		"ce-specversion": {"1.0"}, "ce-id": {"1"}, "ce-source": {"/s"}, "ce-type": {"t"},
		"Content-Type": {"application/json"},
	}
	e, err := cenats.Decode(h, []byte(`{"phone":"4917612345678"}`))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	var v struct {
		Phone string `json:"phone"`
	}
	if err := e.DataAs(&v); err != nil || v.Phone != "4917612345678" {
		t.Fatalf("DataAs = %+v, %v", v, err)
	}
}

// Non-JSON payloads stay opaque bytes and become data_base64 in structured mode.
func TestBinaryOpaqueData(t *testing.T) {
	payload := []byte{0, 1, 2, 0xfe}
	h := map[string][]string{
		"ce-specversion": {"1.0"}, "ce-id": {"1"}, "ce-source": {"/s"}, "ce-type": {"t"},
		"Content-Type": {"application/octet-stream"},
	}
	e, err := cenats.Decode(h, payload)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	_, body, err := cenats.Encode(e, cenats.Structured)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		t.Fatal(err)
	}
	if string(members["data_base64"]) != `"AAEC/g=="` {
		t.Fatalf("structured body %s: want data_base64", body)
	}
}

func TestEmptyPayloadIsNoData(t *testing.T) {
	h := map[string][]string{
		"ce-specversion": {"1.0"}, "ce-id": {"1"}, "ce-source": {"/s"}, "ce-type": {"t"},
		"Content-Type": {"application/json"},
	}
	e, err := cenats.Decode(h, nil)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if e.Data() != nil {
		t.Fatalf("data = %q, want none", e.Data())
	}
}

// The decoded event must not alias the message buffer, which callers reuse.
func TestDecodeCopiesPayload(t *testing.T) {
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			h, data, err := cenats.Encode(newEvent(t, withJSON(map[string]string{"a": "b"})), mode)
			if err != nil {
				t.Fatal(err)
			}
			buf := append([]byte(nil), data...)
			e, err := cenats.Decode(h, buf)
			if err != nil {
				t.Fatal(err)
			}
			before := string(e.Data())
			for i := range buf {
				buf[i] = ' '
			}
			if string(e.Data()) != before {
				t.Fatalf("data changed with the buffer: %q", e.Data())
			}
		})
	}
}
