package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// An entry reads back as it was written, and every truncation or extension
// of it is refused as malformed, never read as another entry.
func TestWireEntryRoundTripAndTruncation(t *testing.T) {
	w := wireEntry{
		session: "default", subject: "wa.default.evt._.session.connected", id: "abc", typ: events.TypeSessionConnected,
		enqueued: time.Unix(1741000000, 123), mode: cenats.Structured,
		header: nats.Header{"Content-Type": {"application/json"}, "ce-id": {"abc"}, "X-Two": {"a", "b"}},
		data:   []byte(`{"state":"connected"}`),
	}
	raw := w.encode()
	got, err := decodeWire(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.session != w.session || got.subject != w.subject || got.id != w.id || got.typ != w.typ ||
		!got.enqueued.Equal(w.enqueued) || got.mode != w.mode || !bytes.Equal(got.data, w.data) ||
		len(got.header) != len(w.header) || strings.Join(got.header["X-Two"], ",") != "a,b" {
		t.Fatalf("decoded %+v, want %+v", got, w)
	}
	if !bytes.Equal(got.encode(), raw) {
		t.Fatal("the same entry encodes to other bytes")
	}
	for n := range len(raw) {
		if _, err := decodeWire(raw[:n]); !errors.Is(err, errBadWire) {
			t.Fatalf("a truncation to %d of %d bytes decoded (%v)", n, len(raw), err)
		}
	}
	if _, err := decodeWire(append(bytes.Clone(raw), 0)); !errors.Is(err, errBadWire) {
		t.Fatalf("an entry with a byte after it decoded (%v)", err)
	}
}

// FuzzDecodeWire: whatever bytes an entry holds, decoding them fails or
// gives an entry whose encoding decodes to the same entry; it never panics.
func FuzzDecodeWire(f *testing.F) {
	f.Add(wireEntry{subject: "s", header: nats.Header{"a": {"b"}}, data: []byte("{}")}.encode())
	f.Add([]byte{wireFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte(`{"subject":"s"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		w, err := decodeWire(raw)
		if err != nil {
			return
		}
		again, err := decodeWire(w.encode())
		if err != nil {
			t.Fatalf("%q decoded, its encoding does not: %v", raw, err)
		}
		if !reflect.DeepEqual(again, w) {
			t.Fatalf("%q decoded to %+v, its encoding to %+v", raw, w, again)
		}
	})
}

// The structured size a binary message's bound promises is never below the
// real one, whatever the attributes and data hold (JSON escaping of quotes,
// <, > and &, U+2028; control characters and invalid UTF-8 in data; data
// that is not JSON).
func TestStructuredBoundCoversStructuredMode(t *testing.T) {
	ugly := "\"\\<>&\u2028 é %" + strings.Repeat("<&>", 50)
	control := ugly + "\x01\x1f"
	base := func() event.Event {
		e := event.New()
		e.SetID("id-" + ugly)
		e.SetSource("/wabridge/default")
		e.SetType("io.wabridge.test")
		e.SetSubject(ugly)
		e.SetTime(time.Unix(1741000000, 0))
		e.SetExtension("session", "default")
		return e
	}
	jsonData := base()
	if err := jsonData.SetData(event.ApplicationJSON, map[string]string{"text": control, "raw": "<<<>>>&&&\xff"}); err != nil {
		t.Fatal(err)
	}
	htmlUnescaped := base()
	htmlUnescaped.SetDataContentType(event.ApplicationJSON)
	htmlUnescaped.DataEncoded = []byte(`{"t":"` + strings.Repeat("<>&", 200) + `"}`)
	suffixJSON := base()
	suffixJSON.SetDataContentType("application/vnd.x+json")
	suffixJSON.DataEncoded = []byte(`{ "t" : [ 1, 2, "<>" ] }`)
	opaque := base()
	if err := opaque.SetData("application/octet-stream", []byte{0, 1, 2, 0xff, '<'}); err != nil {
		t.Fatal(err)
	}
	text := base()
	if err := text.SetData("text/plain", control); err != nil {
		t.Fatal(err)
	}
	noData := base()
	for name, ce := range map[string]event.Event{
		"json data": jsonData, "json not html-escaped": htmlUnescaped, "+json data": suffixJSON,
		"opaque data": opaque, "text data": text, "no data": noData,
	} {
		t.Run(name, func(t *testing.T) {
			bin, err := cenats.NewMsg("wa.default.evt._.test", ce, cenats.Binary)
			if err != nil {
				t.Fatal(err)
			}
			st, err := cenats.NewMsg(bin.Subject, ce, cenats.Structured)
			if err != nil {
				t.Fatal(err)
			}
			st.Header.Set(jetstream.MsgIDHeader, ce.ID())
			realHdr, realTotal := wireSize(st)
			hdr, total := structuredBound(bin, ce.ID())
			if hdr < realHdr || total < realTotal {
				t.Fatalf("bound %d (%d of headers) below the structured message's %d (%d)", total, hdr, realTotal, realHdr)
			}
		})
	}
}

// An event that fits a binary message but not a structured one is refused:
// a later start publishing in structured mode could never send it.
func TestEventFittingOnlyBinaryModeIsRefused(t *testing.T) {
	ce := mustCloudEvent(t, connectedEvent(t, "default", "k"))
	subject := "wa.default.evt._.session.connected"
	bin, err := cenats.NewMsg(subject, ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	bin.Header.Set(jetstream.MsgIDHeader, ce.ID())
	_, binTotal := wireSize(bin)
	st, err := cenats.NewMsg(subject, ce, cenats.Structured)
	if err != nil {
		t.Fatal(err)
	}
	st.Header.Set(jetstream.MsgIDHeader, ce.ID())
	_, stTotal := wireSize(st)
	if stTotal <= binTotal {
		t.Fatalf("structured %d bytes, binary %d: the test needs the structured message larger", stTotal, binTotal)
	}
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			limit := max(binTotal, stTotal) - 1
			ob := openInternal(t, WithMaxMessageBytes(limit), WithContentMode(mode))
			err := ob.Put(context.Background(), subject, ce)
			if !errors.Is(err, ErrMessageTooLarge) {
				t.Fatalf("Put with a limit of %d = %v, want ErrMessageTooLarge", limit, err)
			}
			ob = openInternal(t, WithMaxMessageBytes(max(binTotal, stTotal)), WithContentMode(mode))
			if err := ob.Put(context.Background(), subject, ce); err != nil {
				t.Fatalf("Put of a message that fits both modes: %v", err)
			}
		})
	}
}

// Whatever form an entry is stored in (a JSON record of an earlier version,
// the wire form of either mode), a publisher of either mode publishes it
// in its own mode; a malformed entry is set aside.
func TestEveryStoredFormIsPublished(t *testing.T) {
	for _, pubMode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(pubMode.String(), func(t *testing.T) {
			ob := openInternal(t)
			subject := "wa.default.evt._.session.connected"
			ces := make([]event.Event, 3)
			for i, key := range []string{"json", "binary", "structured"} {
				ces[i] = mustCloudEvent(t, connectedEvent(t, "default", key))
			}
			raw, err := json.Marshal(ces[0])
			if err != nil {
				t.Fatal(err)
			}
			old, err := json.Marshal(record{Session: "default", Subject: subject, Enqueued: time.Now(), Event: raw})
			if err != nil {
				t.Fatal(err)
			}
			var stored [][]byte
			stored = append(stored, old)
			for i, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
				ob.mode = mode
				w, err := ob.wireOf("default", subject, ces[i+1], time.Now())
				if err != nil {
					t.Fatal(err)
				}
				stored = append(stored, w, w[:len(w)-1])
			}
			for i, rec := range stored {
				if err := ob.commit("default", string(rune('a'+i)), time.Now(), rec, nil); err != nil {
					t.Fatal(err)
				}
			}
			js := newFakeStream(t)
			p := NewPublisher(ob, nil, PublisherConfig{Mode: pubMode, DurableAfter: DurableImmediately}, nil)
			p.js = js
			runUntilFlushed(t, p)
			if js.count() != len(ces) {
				t.Fatalf("%d published, want %d", js.count(), len(ces))
			}
			for i, msg := range js.stored {
				got, err := cenats.Decode(msg.Header, msg.Data)
				if err != nil {
					t.Fatal(err)
				}
				structured := msg.Header.Get("Content-Type") == cenats.ContentTypeStructured
				if got.ID() != ces[i].ID() || structured != (pubMode == cenats.Structured) || !bytes.Equal(got.Data(), ces[i].Data()) {
					t.Fatalf("message %d: %s (structured %v) with %s, want %s in %s mode", i, got.ID(), structured, got.Data(), ces[i].ID(), pubMode)
				}
			}
			var dead int
			_ = ob.db.View(func(tx *bolt.Tx) error {
				dead = tx.Bucket([]byte(bucketOutboxDead)).Stats().KeyN
				return nil
			})
			if dead != 2 {
				t.Fatalf("%d entries set aside, want the 2 truncated ones", dead)
			}
		})
	}
}
