package bridge

import (
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// quotable is the stored message as WhatsApp clients quote it: a copy of
// its content without the content's own context (what it quoted, whom it
// mentioned, its forwarded mark: quotes are one level deep) and without
// the message's own secrets (MessageContextInfo). A view-once media is
// quoted as one, and as nothing more than what a placeholder shows.
func quotable(m *StoredMessage) *waE2E.Message {
	if m.Message == nil {
		return &waE2E.Message{Conversation: proto.String(m.Text)}
	}
	q := proto.CloneOf(m.Message)
	stripContexts(q.ProtoReflect())
	if m.ViewOnce || viewOnce(q) {
		if v := viewOnceQuote(q); v != nil {
			return v
		}
	}
	return q
}

var (
	contextInfoType        = (&waE2E.ContextInfo{}).ProtoReflect().Descriptor().FullName()
	messageContextInfoType = (&waE2E.MessageContextInfo{}).ProtoReflect().Descriptor().FullName()
)

// stripContexts clears every ContextInfo and MessageContextInfo in m, at
// any depth: each content type has its own ContextInfo field (and a
// wrapper's message its own), so the descriptors find them rather than a
// list of types that misses the next one.
func stripContexts(m protoreflect.Message) {
	var drop []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil || fd.IsMap() {
			return true
		}
		switch name := fd.Message().FullName(); {
		case name == contextInfoType || name == messageContextInfoType:
			drop = append(drop, fd)
		case fd.IsList():
			for i, l := 0, v.List(); i < l.Len(); i++ {
				stripContexts(l.Get(i).Message())
			}
		default:
			stripContexts(v.Message())
		}
		return true
	})
	for _, fd := range drop {
		m.Clear(fd)
	}
}

// viewOnceQuote is the quote of a view-once media: its kind, type, size,
// dimensions and duration, marked view-once, and none of what opens or
// shows it (location, keys, thumbnail, caption), so a reply is no second
// way to see what was meant to be seen once. nil for a message that is no
// view-once media kind.
func viewOnceQuote(q *waE2E.Message) *waE2E.Message {
	switch {
	case q.ImageMessage != nil:
		x := q.ImageMessage
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Mimetype: x.Mimetype, FileLength: x.FileLength, Width: x.Width, Height: x.Height, ViewOnce: proto.Bool(true),
		}}
	case q.VideoMessage != nil:
		return &waE2E.Message{VideoMessage: viewOnceVideo(q.VideoMessage)}
	case q.PtvMessage != nil:
		return &waE2E.Message{PtvMessage: viewOnceVideo(q.PtvMessage)}
	case q.AudioMessage != nil:
		x := q.AudioMessage
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			Mimetype: x.Mimetype, FileLength: x.FileLength, Seconds: x.Seconds, PTT: x.PTT, ViewOnce: proto.Bool(true),
		}}
	}
	return nil
}

func viewOnceVideo(x *waE2E.VideoMessage) *waE2E.VideoMessage {
	return &waE2E.VideoMessage{
		Mimetype: x.Mimetype, FileLength: x.FileLength, Width: x.Width, Height: x.Height, Seconds: x.Seconds,
		GifPlayback: x.GifPlayback, ViewOnce: proto.Bool(true),
	}
}
