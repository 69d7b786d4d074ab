package webhooks

import (
	"maps"
	"slices"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// general is the delivery the general path makes of a stored message.
func general(h nats.Header, data []byte, mode cenats.Mode) (Delivery, error) {
	ce, err := cenats.Decode(h, data)
	if err != nil {
		return Delivery{}, err
	}
	return PrepareEvent(ce, mode)
}

func sameDelivery(t *testing.T, got, want Delivery) {
	t.Helper()
	if got.ID != want.ID || string(got.Body) != string(want.Body) ||
		!maps.EqualFunc(got.Header, want.Header, slices.Equal[[]string]) {
		t.Errorf("delivery\n got %s %v %s\nwant %s %v %s", got.ID, got.Header, got.Body, want.ID, want.Header, want.Body)
	}
}

// The outbox's binary messages are delivered as they are stored: the same
// headers and body as decoding and encoding them again.
func TestStoredBinaryEventIsDeliveredAsDecodeEncodeWould(t *testing.T) {
	for i := range 3 {
		ce, err := events.NewCloudEvent(events.NumberedSample("default", i))
		if err != nil {
			t.Fatal(err)
		}
		h, data, err := cenats.Encode(ce, cenats.Binary)
		if err != nil {
			t.Fatal(err)
		}
		h.Set(nats.MsgIdHdr, ce.ID()) // as the outbox publishes it
		d, ok := binaryAsIs(h, data)
		if !ok {
			t.Fatalf("the outbox's shape %v did not take the as-is path", h)
		}
		want, err := general(h, data, cenats.Binary)
		if err != nil {
			t.Fatal(err)
		}
		sameDelivery(t, d, want)
		if d.Header.Get("Nats-Msg-Id") != "" {
			t.Error("a NATS header was delivered")
		}
		// Structured mode always takes the general path.
		got, err := prepareStored(h, data, cenats.Structured)
		if err != nil {
			t.Fatal(err)
		}
		want, _ = general(h, data, cenats.Structured)
		sameDelivery(t, got, want)
	}
}

// Messages Decode and Encode would change, or refuse, take the general
// path: the delivery (or the refusal) is the same as before the as-is path.
func TestUnusualStoredEventsTakeTheGeneralPath(t *testing.T) {
	base := func() nats.Header {
		return nats.Header{
			"ce-specversion": {"1.0"}, "ce-id": {"e1"}, "ce-source": {"/wabridge/default"},
			"ce-type": {"message.received"}, "ce-time": {"2025-03-01T12:00:00Z"},
			"ce-subject": {"123@g.us"}, "Content-Type": {"application/json"},
		}
	}
	data := []byte(`{"text":"hi"}`)
	cases := map[string]func(h nats.Header) []byte{
		"percent-encoded value":     func(h nats.Header) []byte { h["ce-subject"] = []string{"a%20b"}; return data },
		"time with an offset":       func(h nats.Header) []byte { h["ce-time"] = []string{"2025-03-01T14:00:00+02:00"}; return data },
		"upper-case attribute name": func(h nats.Header) []byte { delete(h, "ce-id"); h["CE-ID"] = []string{"e1"}; return data },
		"content type parameters": func(h nats.Header) []byte {
			h["Content-Type"] = []string{"application/json; charset=utf-8"}
			return data
		},
		"datacontenttype header": func(h nats.Header) []byte { h["ce-datacontenttype"] = []string{"application/json"}; return data },
		"empty subject":          func(h nats.Header) []byte { h["ce-subject"] = []string{""}; return data },
		"extension":              func(h nats.Header) []byte { h["ce-causationid"] = []string{"cmd-1"}; return data },
		"source to normalise":    func(h nats.Header) []byte { h["ce-source"] = []string{"/wabridge/a b"}; return data },
		"invalid json":           func(nats.Header) []byte { return []byte(`{"text":`) },
		"attribute twice":        func(h nats.Header) []byte { h["Ce-Id"] = []string{"e2"}; return data },
		"no specversion":         func(h nats.Header) []byte { delete(h, "ce-specversion"); return data },
		"no data":                func(nats.Header) []byte { return nil },
		"structured message": func(h nats.Header) []byte {
			clear(h)
			h["Content-Type"] = []string{cenats.ContentTypeStructured}
			return []byte(`{"specversion":"1.0","id":"e1","source":"/s","type":"t","data":{"a":1}}`)
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			h := base()
			body := change(h)
			_, asIs := binaryAsIs(h, body)
			got, gotErr := prepareStored(h, body, cenats.Binary)
			want, wantErr := general(h, body, cenats.Binary)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("error %v, the general path's %v", gotErr, wantErr)
			}
			sameDelivery(t, got, want)
			if asIs && name != "extension" {
				t.Error("taken as it is")
			}
		})
	}
}
