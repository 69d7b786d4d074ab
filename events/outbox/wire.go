package outbox

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// DefaultMaxMessageBytes is the largest NATS message (headers and data) the
// outbox accepts unless told otherwise: nats-server's default max_payload.
const DefaultMaxMessageBytes = 1 << 20

// maxHeaderBytes is JetStream's own limit on the header block of a stored
// message, whatever the payload limit.
const maxHeaderBytes = math.MaxUint16

// jsErrCodeStreamHeaderExceedsMaximum is nats-server's
// JSStreamHeaderExceedsMaximumErr, which nats.go has no constant for.
const jsErrCodeStreamHeaderExceedsMaximum jetstream.ErrorCode = 10097

// ErrMessageTooLarge is wrapped by the error Emit and Put return for an event
// whose NATS message would exceed the configured maximum.
var ErrMessageTooLarge = errors.New("event is larger than the largest NATS message allowed")

// Option tunes an Outbox.
type Option func(*Outbox)

// WithMaxMessageBytes sets the largest NATS message, headers included, that
// Emit and Put accept; pass the connection's MaxPayload. n <= 0 keeps
// DefaultMaxMessageBytes.
func WithMaxMessageBytes(n int64) Option {
	return func(o *Outbox) {
		if n > 0 {
			o.maxBytes = n
		}
	}
}

// WithMaxMessageBytesFunc makes limit the source of the largest NATS
// message Emit and Put accept, read at each of them: pass the connection's
// MaxPayload method, which is 0 until an external server was first reached
// and then follows what the server announces. While limit returns 0 or
// less, the WithMaxMessageBytes value (or DefaultMaxMessageBytes) applies.
func WithMaxMessageBytesFunc(limit func() int64) Option {
	return func(o *Outbox) {
		o.maxBytesFunc = limit
	}
}

// messageLimit is the largest NATS message accepted now.
func (o *Outbox) messageLimit() int64 {
	if o.maxBytesFunc != nil {
		if n := o.maxBytesFunc(); n > 0 {
			return n
		}
	}
	return o.maxBytes
}

// WithEmittedHorizon sets how long an emitted CloudEvent id is remembered,
// so that the same event emitted again is not published again; default
// DefaultEmittedHorizon (7 days). d <= 0 keeps the default.
func WithEmittedHorizon(d time.Duration) Option {
	return func(o *Outbox) {
		if d > 0 {
			o.emitted.horizon = d
		}
	}
}

// WithContentMode sets the content mode entries are stored in, ready to
// be sent: pass the publisher's PublisherConfig.Mode. A publisher of
// another mode still publishes them, converting each; default binary.
func WithContentMode(m cenats.Mode) Option {
	return func(o *Outbox) {
		o.mode = m
	}
}

// wireOf encodes ce for subject once, in the outbox's content mode, as the
// entry the publisher sends as it is. It refuses, while the caller can
// still see the error, an event the publisher could not put on the wire in
// either mode (a later start may use the other): one that does not encode,
// or whose message (with the Nats-Msg-Id header the publisher adds) is
// larger than the server takes. Such an entry would otherwise sit at the
// head of the outbox after WhatsApp had already been acknowledged.
func (o *Outbox) wireOf(session, subject string, ce event.Event, now time.Time) ([]byte, error) {
	h, data, err := cenats.Encode(ce, o.mode)
	if err != nil {
		return nil, fmt.Errorf("storing event in outbox: %w", err)
	}
	limit := o.messageLimit()
	msg := &nats.Msg{Subject: subject, Header: h, Data: data}
	if err := checkSize(msg, ce, o.mode, limit); err != nil {
		return nil, err
	}
	if err := o.checkOtherMode(msg, ce, limit); err != nil {
		return nil, err
	}
	w := wireEntry{session: session, subject: subject, id: ce.ID(), typ: ce.Type(), enqueued: now, mode: o.mode, header: h, data: data}
	return w.encode(), nil
}

// checkOtherMode checks that ce fits a message in the mode the outbox does
// not store, which msg is ce in. From binary, a bound of the structured
// size spares encoding ce a second time (JSON, which cost as much as all
// the rest of keeping an event); only an event near the limit is encoded.
func (o *Outbox) checkOtherMode(msg *nats.Msg, ce event.Event, limit int64) error {
	other := cenats.Binary
	if o.mode == cenats.Binary {
		other = cenats.Structured
		if hdr, total := structuredBound(msg, ce.ID()); total <= limit && hdr <= maxHeaderBytes {
			return nil
		}
	}
	m, err := cenats.NewMsg(msg.Subject, ce, other)
	if err != nil {
		return fmt.Errorf("storing event in outbox: %w", err)
	}
	return checkSize(m, ce, other, limit)
}

// checkSize refuses msg, ce in mode, when the server would not take it.
func checkSize(msg *nats.Msg, ce event.Event, mode cenats.Mode, limit int64) error {
	msg.Header.Set(jetstream.MsgIDHeader, ce.ID())
	hdr, total := wireSize(msg)
	msg.Header.Del(jetstream.MsgIDHeader)
	if total > limit || hdr > maxHeaderBytes {
		return werr.Wrap(ErrMessageTooLarge, werr.KindTooLarge, werr.CodePayloadTooLarge,
			"event %s %s would be a %d-byte NATS message (%d bytes of headers) in %s mode; the limit is %d bytes (headers at most %d)",
			ce.Type(), ce.ID(), total, hdr, mode, limit, maxHeaderBytes)
	}
	return nil
}

// structuredBound is at least the header block and the total size of the
// structured-mode message of the event whose binary-mode message is bin.
// Structured mode writes each attribute binary mode carries as a header
// (datacontenttype as Content-Type) as a JSON member, and the data as JSON
// or base64. A JSON string escapes a byte into at most six ("\u00XX"), a
// percent-encoded header value is no shorter than its value, base64 and
// JSON's compaction (which escapes <, > and & into six bytes each) make at
// most six bytes of one: so six bytes per byte of value and data, and the
// name, quotes, colon and comma of each member (no name is 16 bytes longer
// than its header), bound the payload.
func structuredBound(bin *nats.Msg, id string) (hdr, total int64) {
	head := &nats.Msg{Subject: bin.Subject, Header: nats.Header{
		"Content-Type":        []string{cenats.ContentTypeStructured},
		jetstream.MsgIDHeader: []string{id},
	}}
	hdr, _ = wireSize(head)
	body := int64(len("{}")) + int64(len(`,"data_base64":""`)) + 6*int64(len(bin.Data))
	for k, vs := range bin.Header {
		for _, v := range vs {
			body += int64(len(k)) + 16 + 6*int64(len(v))
		}
	}
	return hdr, hdr + body
}

// wireSize is the size of msg's header block and of headers plus data, as
// the server counts them against max_payload.
func wireSize(msg *nats.Msg) (hdr, total int64) {
	// Size counts subject and reply too; the server's limit does not.
	total = int64(msg.Size() - len(msg.Subject) - len(msg.Reply))
	return total - int64(len(msg.Data)), total
}

// permanentPublishError reports whether err certainly means the message can
// never be stored, however often it is sent: it is too large for the server
// or the stream. Everything else (no responders, timeouts, a missing stream
// while an operator fixes it) may heal and is retried.
func permanentPublishError(err error) bool {
	if errors.Is(err, nats.ErrMaxPayload) {
		return true
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case jetstream.JSErrCodeStreamMessageExceedsMaximum, jsErrCodeStreamHeaderExceedsMaximum:
			return true
		}
	}
	return false
}
