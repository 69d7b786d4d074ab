package transport

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestHeaderCodecKeepsHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header nats.Header
		want   nats.Header // what headerOf gives back
	}{
		{"binary CloudEvent", nats.Header{"ce-id": {"1"}, "ce-source": {"%2Fx"}, "Content-Type": {"application/json"}},
			nats.Header{"ce-id": {"1"}, "ce-source": {"%2Fx"}, "Content-Type": {"application/json"}}},
		{"case kept", nats.Header{"CE-ID": {"1"}}, nats.Header{"CE-ID": {"1"}}},
		{"repeated header kept", nats.Header{"ce-id": {"1", "2"}}, nats.Header{"ce-id": {"1", "2"}}},
		{"publish headers dropped", nats.Header{"Nats-Msg-Id": {"x"}, "Nats-Expected-Stream": {"S"}, "ce-id": {"1"}},
			nats.Header{"ce-id": {"1"}}},
		{"no header", nil, nats.Header{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := toMessage("wa.s.cmd.x", tc.header, []byte("d"), nil)
			if got := msg.Metadata.Get(MetaSubject); got != "wa.s.cmd.x" {
				t.Errorf("subject = %q", got)
			}
			if got := headerOf(msg.Metadata); !equalHeader(got, tc.want) {
				t.Errorf("header = %v, want %v", got, tc.want)
			}
			out, err := headerCodec{}.Marshal("wa._poison.cmd", msg)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if !slices.Equal(out.Header[k], v) {
					t.Errorf("marshalled %s = %v, want %v", k, out.Header[k], v)
				}
			}
			if out.Header.Get(nats.MsgIdHdr) != "" {
				t.Error("Nats-Msg-Id would make JetStream drop the poisoned copy")
			}
		})
	}
}

func equalHeader(a, b nats.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// FuzzHeaderCodec: whatever arrives is kept for the handler to judge, and
// whatever the codec writes back is a well-formed NATS header.
func FuzzHeaderCodec(f *testing.F) {
	f.Add("ce-id", "1", "", []byte(`{}`))
	f.Add("Nats-Msg-Id", "x", "y", []byte(nil))
	f.Add("reason_poisoned", "line1\nline2\r\n", "", []byte("x"))
	f.Add("bad key: x", "v", "w", []byte("x"))
	f.Fuzz(func(t *testing.T, key, v1, v2 string, data []byte) {
		in := nats.Header{key: {v1}}
		if v2 != "" {
			in[key] = append(in[key], v2)
		}
		msg := toMessage("wa.s.cmd.x", in, data, nil)
		plain := !strings.ContainsAny(v1+v2, "\r\n")
		if plain && !dropHeader(key) && !isMeta(key) {
			if got := headerOf(msg.Metadata)[key]; !slices.Equal(got, in[key]) {
				t.Fatalf("header %q = %q, want %q", key, got, in[key])
			}
		}
		msg.Metadata.Set("reason_poisoned", v1+"\n"+v2)
		out, err := headerCodec{}.Marshal("wa._poison.cmd", msg)
		if err != nil {
			t.Fatalf("Marshal failed: %v", err)
		}
		checkWire(t, out.Header)
		if string(out.Data) != string(data) {
			t.Fatal("payload changed")
		}
	})
}

func checkWire(t *testing.T, h nats.Header) {
	t.Helper()
	for k, vs := range h {
		if !validHeaderKey(k) {
			t.Fatalf("invalid key %q written", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") || len(v) > maxValueLen {
				t.Fatalf("value %q of %s would break the header block", v, k)
			}
		}
	}
}

// TestHeaderCodecCarriesDelivery: what JetStream says about a delivery
// reaches the handler, and stays out of the command's headers.
func TestHeaderCodecCarriesDelivery(t *testing.T) {
	stored := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC)
	meta := &jetstream.MsgMetadata{Stream: "WA_COMMANDS", NumDelivered: 3, Timestamp: stored.In(time.FixedZone("x", 3600))}
	meta.Sequence.Stream = 42
	msg := toMessage("wa.s.cmd.x", nats.Header{"ce-id": {"1"}}, nil, meta)
	if got := published(msg.Metadata); !got.Equal(stored) {
		t.Errorf("published = %v, want %v", got, stored)
	}
	if msg.UUID != "WA_COMMANDS:42" || msg.Metadata.Get(MetaDelivered) != "3" {
		t.Errorf("uuid %q delivered %q", msg.UUID, msg.Metadata.Get(MetaDelivered))
	}
	if h := headerOf(msg.Metadata); len(h) != 1 || h.Get("ce-id") != "1" {
		t.Errorf("header = %v", h)
	}
	if got := published(toMessage("wa.s.cmd.x", nil, nil, nil).Metadata); !got.IsZero() {
		t.Errorf("published without metadata = %v", got)
	}
}
