package outbox

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// wireFormat is the first byte of an entry stored in its wire form: the
// NATS message the publisher sends, encoded once when the event is kept.
// Entries of earlier versions are JSON records (record), which begin with
// '{'; the publisher reads both.
//
// Storing the CloudEvent as JSON made every entry cost a JSON encoding at
// Emit and, at publication, a JSON decoding (the record, then the event
// with sdk-go's reader) and a second encoding into the message; for a
// history sync of 50,000 messages that was a third of the bridge's CPU.
const wireFormat = 2

// wireEntry is an entry in its wire form: the message's subject, headers
// and payload in the content mode it was encoded in, with what the
// publisher and the backlog need without decoding the event.
type wireEntry struct {
	session, subject string
	id, typ          string
	enqueued         time.Time
	mode             cenats.Mode
	header           nats.Header
	data             []byte
}

// encode is the stored form: wireFormat, then session, subject, id and
// type as length-prefixed strings, the enqueue time (unix nanoseconds, 0
// for none), the mode, the header count and each header's name and values
// (names sorted, so equal entries store equal bytes), and the payload.
func (w wireEntry) encode() []byte {
	n := 32 + len(w.session) + len(w.subject) + len(w.id) + len(w.typ) + len(w.data)
	for k, vs := range w.header {
		n += 2*binary.MaxVarintLen64 + len(k)
		for _, v := range vs {
			n += binary.MaxVarintLen64 + len(v)
		}
	}
	out := make([]byte, 0, n)
	out = append(out, wireFormat)
	for _, s := range []string{w.session, w.subject, w.id, w.typ} {
		out = appendString(out, s)
	}
	var at int64
	if !w.enqueued.IsZero() {
		at = w.enqueued.UnixNano()
	}
	out = binary.AppendVarint(out, at)
	out = binary.AppendUvarint(out, uint64(w.mode))
	out = binary.AppendUvarint(out, uint64(len(w.header)))
	for _, k := range slices.Sorted(maps.Keys(w.header)) {
		out = appendString(out, k)
		out = binary.AppendUvarint(out, uint64(len(w.header[k])))
		for _, v := range w.header[k] {
			out = appendString(out, v)
		}
	}
	return appendString(out, string(w.data))
}

func appendString(out []byte, s string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(s))), s...)
}

// errBadWire is wrapped by decodeWire's errors: the entry can never be
// published, and the publisher sets it aside.
var errBadWire = errors.New("malformed outbox entry")

// decodeWire reads an entry encode wrote. The header and payload are
// copies: raw may be memory of a bbolt transaction.
func decodeWire(raw []byte) (wireEntry, error) {
	r := wireReader{rest: raw}
	if b := r.byte(); b != wireFormat {
		return wireEntry{}, fmt.Errorf("%w: format %d, want %d", errBadWire, b, wireFormat)
	}
	w := wireEntry{session: r.string(), subject: r.string(), id: r.string(), typ: r.string()}
	if at := r.varint(); at != 0 {
		w.enqueued = time.Unix(0, at)
	}
	if w.mode = cenats.Mode(r.uvarint()); r.err == nil && w.mode != cenats.Binary && w.mode != cenats.Structured {
		r.fail("unknown content mode %d", w.mode)
	}
	headers := r.uvarint()
	if r.err == nil && headers > uint64(len(r.rest)) {
		r.fail("%d headers in %d bytes", headers, len(r.rest))
	}
	if r.err != nil {
		return wireEntry{}, r.err
	}
	w.header = make(nats.Header, headers)
	for i := uint64(0); i < headers && r.err == nil; i++ {
		k := r.string()
		values := r.uvarint()
		if r.err == nil && values > uint64(len(r.rest)) {
			r.fail("%d values of header %s in %d bytes", values, k, len(r.rest))
		}
		for j := uint64(0); j < values && r.err == nil; j++ {
			w.header[k] = append(w.header[k], r.string())
		}
	}
	w.data = r.bytes()
	if r.err == nil && len(r.rest) > 0 {
		r.fail("%d bytes after the payload", len(r.rest))
	}
	if r.err == nil && w.subject == "" {
		r.fail("no subject")
	}
	if r.err != nil {
		return wireEntry{}, r.err
	}
	return w, nil
}

// wireReader reads what encode appended; the first failure sticks and
// every later read returns zero values.
type wireReader struct {
	rest []byte
	err  error
}

func (r *wireReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errBadWire, fmt.Sprintf(format, args...))
	}
}

func (r *wireReader) byte() byte {
	if r.err != nil || len(r.rest) == 0 {
		r.fail("truncated")
		return 0
	}
	b := r.rest[0]
	r.rest = r.rest[1:]
	return b
}

func (r *wireReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.rest)
	if n <= 0 {
		r.fail("bad length")
		return 0
	}
	r.rest = r.rest[n:]
	return v
}

func (r *wireReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.rest)
	if n <= 0 {
		r.fail("bad time")
		return 0
	}
	r.rest = r.rest[n:]
	return v
}

func (r *wireReader) string() string { return string(r.field()) }

// bytes is the next field, copied.
func (r *wireReader) bytes() []byte { return append([]byte(nil), r.field()...) }

// field is the next length-prefixed field, in raw's memory.
func (r *wireReader) field() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.rest)) {
		r.fail("a %d-byte field in %d bytes", n, len(r.rest))
		return nil
	}
	f := r.rest[:n]
	r.rest = r.rest[n:]
	return f
}

// outgoing is a stored entry as the publisher sends it.
type outgoing struct {
	msg     *nats.Msg
	id, typ string
}

// outgoingOf is the message of a stored entry in mode: the stored one when
// the entry was stored in mode, else (another mode, or a JSON record of an
// earlier version) the decoded event encoded again. An error means the
// entry can never be published.
func outgoingOf(raw []byte, mode cenats.Mode) (outgoing, error) {
	if len(raw) > 0 && raw[0] == wireFormat {
		w, err := decodeWire(raw)
		if err != nil {
			return outgoing{}, err
		}
		if w.mode == mode {
			return outgoing{msg: &nats.Msg{Subject: w.subject, Header: w.header, Data: w.data}, id: w.id, typ: w.typ}, nil
		}
		ce, err := cenats.Decode(w.header, w.data)
		if err != nil {
			return outgoing{}, fmt.Errorf("decoding outbox entry %s: %w", w.id, err)
		}
		return encodeOutgoing(w.subject, ce, mode)
	}
	rec, ce, err := decodeRecord(raw)
	if err != nil {
		return outgoing{}, err
	}
	return encodeOutgoing(rec.Subject, ce, mode)
}

func encodeOutgoing(subject string, ce event.Event, mode cenats.Mode) (outgoing, error) {
	msg, err := cenats.NewMsg(subject, ce, mode)
	if err != nil {
		return outgoing{}, err
	}
	return outgoing{msg: msg, id: ce.ID(), typ: ce.Type()}, nil
}

// enqueuedOf is when a stored entry was enqueued; zero when it does not
// say or does not decode.
func enqueuedOf(raw []byte) time.Time {
	if len(raw) > 0 && raw[0] == wireFormat {
		w, err := decodeWire(raw)
		if err != nil {
			return time.Time{}
		}
		return w.enqueued
	}
	var rec struct {
		Enqueued time.Time `json:"enqueued"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return time.Time{}
	}
	return rec.Enqueued
}
