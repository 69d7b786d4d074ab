package bridge

import (
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/media"
)

// pttMimetype is the type WhatsApp clients give voice notes; they play no
// other as one.
const pttMimetype = "audio/ogg; codecs=opus"

// stickerSide is the size of every WhatsApp sticker (media.Prepare makes
// them so).
const stickerSide = 512

// mediaMessage is what a media message is built of: the upload, the
// prepared content's facts, the request and the message's context.
type mediaMessage struct {
	up   upload
	prep *media.Prepared
	req  SendMediaRequest
	ctx  *waE2E.ContextInfo
}

// optString is s, or unset when empty (WhatsApp shows an empty caption as a
// blank line).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}

func optUint32(n uint32) *uint32 {
	if n == 0 {
		return nil
	}
	return proto.Uint32(n)
}

func optBool(b bool) *bool {
	if !b {
		return nil
	}
	return proto.Bool(true)
}

func imageMessage(m mediaMessage) *waE2E.Message {
	return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		URL: proto.String(m.up.URL), DirectPath: proto.String(m.up.DirectPath), MediaKey: m.up.MediaKey, MediaKeyTimestamp: m.up.keyTimestamp(),
		FileEncSHA256: m.up.FileEncSHA256, FileSHA256: m.up.FileSHA256, FileLength: proto.Uint64(m.up.FileLength),
		Mimetype: proto.String(m.prep.Mimetype), Caption: optString(m.req.Caption),
		Width: optUint32(m.prep.Width), Height: optUint32(m.prep.Height), JPEGThumbnail: m.prep.Thumbnail,
		ViewOnce: optBool(m.req.ViewOnce), ContextInfo: m.ctx, // and wrapped: viewOnceEnvelope
	}}
}

func videoMessage(m mediaMessage) *waE2E.Message {
	return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
		URL: proto.String(m.up.URL), DirectPath: proto.String(m.up.DirectPath), MediaKey: m.up.MediaKey, MediaKeyTimestamp: m.up.keyTimestamp(),
		FileEncSHA256: m.up.FileEncSHA256, FileSHA256: m.up.FileSHA256, FileLength: proto.Uint64(m.up.FileLength),
		Mimetype: proto.String(m.prep.Mimetype), Caption: optString(m.req.Caption),
		Width: optUint32(m.prep.Width), Height: optUint32(m.prep.Height), Seconds: optUint32(m.prep.Seconds),
		JPEGThumbnail: m.prep.Thumbnail, GifPlayback: proto.Bool(false),
		ViewOnce: optBool(m.req.ViewOnce), ContextInfo: m.ctx,
	}}
}

// viewOnceEnvelope wraps a view-once photo or video as WhatsApp's phones
// send one: the media flagged ViewOnce inside a ViewOnceMessageV2. A
// receiver that looks for either finds it; whatsmeow's send path unwraps
// the envelope to type the stanza (getTypeFromMessage), as it unwraps
// received ones (events.Message.UnwrapRaw).
func viewOnceEnvelope(msg *waE2E.Message, kind media.Kind, viewOnce bool) *waE2E.Message {
	if !viewOnce || (kind != media.Image && kind != media.Video) {
		return msg
	}
	return &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: msg}}
}

func audioMessage(m mediaMessage) *waE2E.Message {
	mt := m.prep.Mimetype
	if m.req.PTT {
		mt = pttMimetype
	}
	a := &waE2E.AudioMessage{
		URL: proto.String(m.up.URL), DirectPath: proto.String(m.up.DirectPath), MediaKey: m.up.MediaKey, MediaKeyTimestamp: m.up.keyTimestamp(),
		FileEncSHA256: m.up.FileEncSHA256, FileSHA256: m.up.FileSHA256, FileLength: proto.Uint64(m.up.FileLength),
		Mimetype: proto.String(mt), Seconds: optUint32(m.prep.Seconds), PTT: proto.Bool(m.req.PTT),
		ContextInfo: m.ctx,
	}
	if m.req.PTT {
		a.Waveform = m.prep.Waveform
	}
	return &waE2E.Message{AudioMessage: a}
}

func documentMessage(m mediaMessage) *waE2E.Message {
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		URL: proto.String(m.up.URL), DirectPath: proto.String(m.up.DirectPath), MediaKey: m.up.MediaKey, MediaKeyTimestamp: m.up.keyTimestamp(),
		FileEncSHA256: m.up.FileEncSHA256, FileSHA256: m.up.FileSHA256, FileLength: proto.Uint64(m.up.FileLength),
		Mimetype: proto.String(m.prep.Mimetype), FileName: proto.String(m.prep.Filename), Title: proto.String(m.prep.Filename),
		Caption: optString(m.req.Caption), JPEGThumbnail: m.prep.Thumbnail, ContextInfo: m.ctx,
		ThumbnailWidth: optUint32(m.prep.ThumbWidth), ThumbnailHeight: optUint32(m.prep.ThumbHeight),
		PageCount: optUint32(m.prep.PageCount),
	}}
}

func stickerMessage(m mediaMessage) *waE2E.Message {
	w, h := m.prep.Width, m.prep.Height
	if w == 0 || h == 0 {
		w, h = stickerSide, stickerSide
	}
	return &waE2E.Message{StickerMessage: &waE2E.StickerMessage{
		URL: proto.String(m.up.URL), DirectPath: proto.String(m.up.DirectPath), MediaKey: m.up.MediaKey, MediaKeyTimestamp: m.up.keyTimestamp(),
		FileEncSHA256: m.up.FileEncSHA256, FileSHA256: m.up.FileSHA256, FileLength: proto.Uint64(m.up.FileLength),
		Mimetype: proto.String("image/webp"), Width: proto.Uint32(w), Height: proto.Uint32(h),
		IsAnimated: proto.Bool(m.prep.Animated), ContextInfo: m.ctx,
	}}
}

// contextOf is a message's context as textMessage builds it: mentions,
// the forwarded mark and the quoted message; nil when there is none.
func contextOf(quoted *StoredMessage, mentions []string, forwarded bool) *waE2E.ContextInfo {
	if quoted == nil && len(mentions) == 0 && !forwarded {
		return nil
	}
	ci := &waE2E.ContextInfo{MentionedJID: mentions}
	if forwarded {
		ci.IsForwarded = proto.Bool(true)
		ci.ForwardingScore = proto.Uint32(1)
	}
	if quoted != nil {
		ci.StanzaID = proto.String(quoted.ID)
		ci.Participant = proto.String(quoted.Sender)
		ci.QuotedMessage = quotable(quoted)
	}
	return ci
}
