package bridge

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// The media kinds' translation: the facts the sender declared and a
// reference to the content (events.Media); the content itself is
// downloaded later, by the media fetcher or on demand (media_download.go).

func fillImage(x *waE2E.ImageMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type, d.Caption = events.KindImage, x.GetCaption()
	d.Media = declared(x.GetMimetype(), x.GetFileLength(), x.GetFileSHA256())
	d.Media.Width, d.Media.Height = x.GetWidth(), x.GetHeight()
	// Newer clients mark view-once on the media itself as well as (or
	// instead of) the wrapper whatsmeow unwrapped.
	d.ViewOnce = d.ViewOnce || x.GetViewOnce()
	return x.GetContextInfo()
}

// fillVideo serves videos, GIFs (a video played as a loop) and round
// video notes, which WhatsApp sends as a VideoMessage in the PTV field.
func fillVideo(x *waE2E.VideoMessage, videoNote bool, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type, d.Caption = events.KindVideo, x.GetCaption()
	d.Media = declared(x.GetMimetype(), x.GetFileLength(), x.GetFileSHA256())
	d.Media.Width, d.Media.Height, d.Media.Seconds = x.GetWidth(), x.GetHeight(), x.GetSeconds()
	d.Media.GIF, d.Media.VideoNote = x.GetGifPlayback(), videoNote
	d.ViewOnce = d.ViewOnce || x.GetViewOnce()
	return x.GetContextInfo()
}

func fillAudio(x *waE2E.AudioMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type = events.KindAudio
	d.Media = declared(x.GetMimetype(), x.GetFileLength(), x.GetFileSHA256())
	d.Media.Seconds, d.Media.PTT = x.GetSeconds(), x.GetPTT()
	d.ViewOnce = d.ViewOnce || x.GetViewOnce()
	return x.GetContextInfo()
}

func fillDocument(x *waE2E.DocumentMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type, d.Caption = events.KindDocument, x.GetCaption()
	d.Media = declared(x.GetMimetype(), x.GetFileLength(), x.GetFileSHA256())
	d.Media.Filename, d.Media.PageCount = x.GetFileName(), x.GetPageCount()
	return x.GetContextInfo()
}

func fillSticker(x *waE2E.StickerMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type = events.KindSticker
	d.Media = declared(x.GetMimetype(), x.GetFileLength(), x.GetFileSHA256())
	d.Media.Width, d.Media.Height, d.Media.Animated = x.GetWidth(), x.GetHeight(), x.GetIsAnimated()
	return x.GetContextInfo()
}

// documentOf finds a document bare or in the caption wrapper. whatsmeow
// unwraps the wrapper of what it dispatches; a document that reaches the
// translation another way (a nested wrapper) is still a document.
func documentOf(m *waE2E.Message) *waE2E.DocumentMessage {
	if x := m.GetDocumentMessage(); x != nil {
		return x
	}
	return m.GetDocumentWithCaptionMessage().GetMessage().GetDocumentMessage()
}

// declared is what every media message says of its content. A FileSHA256
// that is not a SHA-256 is left out rather than passed on.
func declared(mimetype string, size uint64, fileSHA256 []byte) *events.Media {
	m := &events.Media{Mimetype: mimetype, Size: size}
	if len(fileSHA256) == sha256.Size {
		m.SHA256 = hex.EncodeToString(fileSHA256)
	}
	return m
}

// setMediaRef names a media message's content once the session is known:
// the id, the REST URL and the object store reference.
func setMediaRef(session string, d *events.MessageReceived) {
	if d.Media == nil {
		return
	}
	id := mediaID(session, d.ID)
	d.Media.ID, d.Media.URL, d.Media.Object = id, events.MediaURLPrefix+id, events.MediaObject(id)
}

// A media id is "<message>.<tag>": message is the user-form message id in
// unpadded URL-safe base64, so the id leads back to the message without a
// table of its own; tag is the start of a SHA-256 over session and message,
// so two sessions in one group name the same message's media apart and an
// id made up for another session does not resolve. Both parts are
// URL-safe and the whole fits an object name.
const mediaTagLen = 12 // bytes of the hash, 16 characters

var mediaB64 = base64.RawURLEncoding

func mediaID(session, messageID string) string {
	return mediaB64.EncodeToString([]byte(messageID)) + "." + mediaTag(session, messageID)
}

func mediaTag(session, messageID string) string {
	sum := sha256.Sum256([]byte(session + "\x00" + messageID))
	return mediaB64.EncodeToString(sum[:mediaTagLen])
}

// parseMediaID gives the user-form message id a media id of session
// names; an id that is malformed or belongs to another session is a
// NOT_FOUND, as an unknown media is.
func parseMediaID(session, id string) (string, error) {
	enc, tag, ok := strings.Cut(id, ".")
	if ok {
		raw, err := mediaB64.DecodeString(enc)
		messageID := string(raw)
		// Only the one spelling mediaID writes: base64 decoding also takes
		// other trailing bits and skips line breaks, and another name for
		// the same media would be another object (a view-once served again).
		canonical := err == nil && mediaB64.EncodeToString(raw) == enc
		if canonical && tag == mediaTag(session, messageID) {
			if _, _, _, err := msgid.Parse(messageID); err == nil {
				return messageID, nil
			}
		}
	}
	return "", werr.New(werr.KindNotFound, werr.CodeNotFound, "no media %q in session %s", id, session)
}
