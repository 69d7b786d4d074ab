package transport

import (
	"strconv"
	"strings"
	"time"

	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Metadata keys the codec adds to every consumed message. They start with
// an underscore so no CloudEvents header (ce-*) can collide with them.
const (
	// MetaSubject is the subject the command was published on; the
	// subscription's wildcard alone does not say which session and command.
	MetaSubject = "_nats_subject"
	// MetaDelivered is how often JetStream has delivered the message.
	MetaDelivered = "_nats_delivered"
	// MetaPublished is when JetStream stored the message (RFC 3339); a
	// durable command's lifetime runs from there.
	MetaPublished = "_nats_published"
	// MetaSequence is the message's stream sequence, the same for every
	// delivery of it: results of a delivery derive their ids from it.
	MetaSequence = "_nats_sequence"
)

// NATS header values are single lines, so several values of one header are
// kept in one metadata value separated by newlines.
const valueSep = "\n"

// maxValueLen caps a header value the codec writes: a poison reason can be
// an error with a stack trace.
const maxValueLen = 4096

// headerCodec moves messages between NATS and Watermill keeping every
// header of the NATS message. Watermill-nats's own marshalers need their
// UUID header and refuse repeated headers, and none of them keep the
// subject; external publishers send plain binary-mode CloudEvents.
type headerCodec struct{}

var (
	_ wmjs.Unmarshaler = headerCodec{}
	_ wmnats.Marshaler = headerCodec{} // the poison publisher
)

// Unmarshal turns a consumed JetStream message into a Watermill message
// whose metadata holds every header (values joined by newlines) plus
// MetaSubject, MetaDelivered, MetaPublished and MetaSequence. It never fails: whatever
// arrived is for the handler to judge, and an unmarshal error would only
// leave the message unacked and redelivered forever.
func (headerCodec) Unmarshal(m jetstream.Msg) (*message.Message, error) {
	meta, err := m.Metadata()
	if err != nil {
		meta = nil // not from a consumer; nothing to add
	}
	return toMessage(m.Subject(), m.Headers(), m.Data(), meta), nil
}

func toMessage(subject string, header nats.Header, data []byte, meta *jetstream.MsgMetadata) *message.Message {
	md := make(message.Metadata, len(header)+4)
	for k, v := range header {
		if dropHeader(k) {
			continue
		}
		md[k] = strings.Join(v, valueSep)
	}
	md[MetaSubject] = subject
	id := ""
	if meta != nil {
		md[MetaDelivered] = strconv.FormatUint(meta.NumDelivered, 10)
		md[MetaPublished] = meta.Timestamp.UTC().Format(time.RFC3339Nano)
		md[MetaSequence] = strconv.FormatUint(meta.Sequence.Stream, 10)
		id = meta.Stream + ":" + strconv.FormatUint(meta.Sequence.Stream, 10)
	}
	if id == "" {
		id = uuid.NewString()
	}
	msg := message.NewMessage(id, data)
	msg.Metadata = md
	return msg
}

// published is when JetStream stored the command, from MetaPublished; the
// zero time when it is unknown.
func published(md message.Metadata) time.Time {
	t, err := time.Parse(time.RFC3339Nano, md.Get(MetaPublished))
	if err != nil {
		return time.Time{}
	}
	return t
}

// sequence is the stream sequence from MetaSequence; 0 when unknown.
func sequence(md message.Metadata) uint64 {
	n, err := strconv.ParseUint(md.Get(MetaSequence), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// isMeta tells the codec's own metadata keys from headers.
func isMeta(k string) bool {
	return k == MetaSubject || k == MetaDelivered || k == MetaPublished || k == MetaSequence
}

// Marshal turns a Watermill message (a poisoned command) back into a NATS
// message with the original headers, so it can be inspected and re-sent.
func (headerCodec) Marshal(topic string, msg *message.Message) (*nats.Msg, error) {
	h := make(nats.Header, len(msg.Metadata)+1)
	for k, v := range msg.Metadata {
		if dropHeader(k) || !validHeaderKey(k) {
			continue
		}
		for _, line := range strings.Split(v, valueSep) {
			h.Add(k, cleanValue(line))
		}
	}
	h.Set(wmnats.WatermillUUIDHdr, msg.UUID)
	return &nats.Msg{Subject: topic, Header: h, Data: msg.Payload}, nil
}

// dropHeader tells the JetStream publish headers apart: copied into a
// poison message, Nats-Msg-Id would make JetStream discard it as a
// duplicate of the original command.
func dropHeader(k string) bool {
	k = strings.ToLower(k)
	return k == strings.ToLower(nats.MsgIdHdr) || strings.HasPrefix(k, "nats-expected-")
}

// validHeaderKey rejects keys that would break the NATS header block.
func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c == ':' || c >= 0x7f {
			return false
		}
	}
	return true
}

// cleanValue keeps a value on one line and bounded in length.
func cleanValue(v string) string {
	v = strings.ReplaceAll(v, "\r", " ")
	if len(v) > maxValueLen {
		v = v[:maxValueLen]
	}
	return strings.TrimSpace(v)
}

// headerOf rebuilds the NATS header of a consumed message from its
// metadata, without the codec's own keys.
func headerOf(md message.Metadata) nats.Header {
	h := make(nats.Header, len(md))
	for k, v := range md {
		if isMeta(k) {
			continue
		}
		h[k] = strings.Split(v, valueSep)
	}
	return h
}
