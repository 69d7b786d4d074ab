package sandbox

import (
	"crypto/sha256"
	"encoding/hex"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
)

// mediaContent is what the outbox shows of an image, video, audio,
// document or sticker (Delivery embeds it through conversationContent).
// SHA256 and Size are of the plaintext the recipient decrypted from the
// network's media store, not what the message claims: a test comparing
// them with its file compares bytes end to end.
type mediaContent struct {
	SHA256    string `json:"sha256,omitempty"` // hex
	Size      int64  `json:"size,omitempty"`
	Mimetype  string `json:"mimetype,omitempty"`
	Filename  string `json:"filename,omitempty"`
	Caption   string `json:"caption,omitempty"`
	PTT       bool   `json:"ptt,omitempty"`
	ViewOnce  bool   `json:"view_once,omitempty"`
	Width     uint32 `json:"width,omitempty"`
	Height    uint32 `json:"height,omitempty"`
	Seconds   uint32 `json:"seconds,omitempty"`
	Animated  bool   `json:"animated,omitempty"`
	Thumbnail int    `json:"thumbnail_bytes,omitempty"` // JPEG thumbnail in the message
	Waveform  int    `json:"waveform_len,omitempty"`    // a voice note's waveform samples
	// MediaError says why the recipient could not download or decrypt it.
	MediaError string `json:"media_error,omitempty"`
	ref        *Reference
}

// describeMedia reads a media message; ok is false for other kinds.
func describeMedia(msg *waE2E.Message) (d Delivery, ok bool) {
	m := &d.mediaContent
	switch {
	case msg.GetImageMessage() != nil:
		x := msg.GetImageMessage()
		d.Type, m.Caption, m.ViewOnce, m.Width, m.Height = "image", x.GetCaption(), x.GetViewOnce(), x.GetWidth(), x.GetHeight()
		m.Mimetype, m.Thumbnail, m.ref = x.GetMimetype(), len(x.GetJPEGThumbnail()), refOf(x, whatsmeow.MediaImage)
	case msg.GetVideoMessage() != nil:
		x := msg.GetVideoMessage()
		d.Type, m.Caption, m.ViewOnce, m.Width, m.Height = "video", x.GetCaption(), x.GetViewOnce(), x.GetWidth(), x.GetHeight()
		m.Mimetype, m.Seconds, m.Thumbnail, m.ref = x.GetMimetype(), x.GetSeconds(), len(x.GetJPEGThumbnail()), refOf(x, whatsmeow.MediaVideo)
	case msg.GetAudioMessage() != nil:
		x := msg.GetAudioMessage()
		d.Type, m.PTT, m.Seconds, m.Mimetype = "audio", x.GetPTT(), x.GetSeconds(), x.GetMimetype()
		m.ViewOnce, m.Waveform, m.ref = x.GetViewOnce(), len(x.GetWaveform()), refOf(x, whatsmeow.MediaAudio)
	case msg.GetDocumentMessage() != nil:
		x := msg.GetDocumentMessage()
		d.Type, m.Caption, m.Filename, m.Mimetype = "document", x.GetCaption(), x.GetFileName(), x.GetMimetype()
		m.Thumbnail, m.ref = len(x.GetJPEGThumbnail()), refOf(x, whatsmeow.MediaDocument)
	case msg.GetStickerMessage() != nil:
		x := msg.GetStickerMessage()
		d.Type, m.Mimetype, m.Width, m.Height, m.Animated = "sticker", x.GetMimetype(), x.GetWidth(), x.GetHeight(), x.GetIsAnimated()
		m.ref = refOf(x, whatsmeow.MediaImage) // stickers are encrypted as images
	default:
		return Delivery{}, false
	}
	d.Message = m.Caption
	ci := contextInfoOf(msg)
	d.QuotedID, d.Mentions = ci.GetStanzaID(), append([]string(nil), ci.GetMentionedJID()...)
	d.Forwarded, d.ForwardingScore = ci.GetIsForwarded(), ci.GetForwardingScore()
	return d, true
}

// contextInfoOf is the context (quote, mentions, forwarded mark) of a text
// or media message; nil for other kinds.
func contextInfoOf(msg *waE2E.Message) *waE2E.ContextInfo {
	switch {
	case msg.GetExtendedTextMessage() != nil:
		return msg.GetExtendedTextMessage().GetContextInfo()
	case msg.GetImageMessage() != nil:
		return msg.GetImageMessage().GetContextInfo()
	case msg.GetVideoMessage() != nil:
		return msg.GetVideoMessage().GetContextInfo()
	case msg.GetAudioMessage() != nil:
		return msg.GetAudioMessage().GetContextInfo()
	case msg.GetDocumentMessage() != nil:
		return msg.GetDocumentMessage().GetContextInfo()
	case msg.GetStickerMessage() != nil:
		return msg.GetStickerMessage().GetContextInfo()
	}
	return nil
}

func refOf(x whatsmeow.DownloadableMessage, mt whatsmeow.MediaType) *Reference {
	return &Reference{DirectPath: x.GetDirectPath(), MediaKey: x.GetMediaKey(), FileEncSHA256: x.GetFileEncSHA256(), FileSHA256: x.GetFileSHA256(), MediaType: mt}
}

// openMedia has the recipient download and decrypt the media d describes,
// as its phone would, and records the plaintext's sha256 and size (or why
// it could not).
func (n *Network) openMedia(d *Delivery) {
	ref := d.ref
	if ref == nil {
		return
	}
	h := sha256.New()
	size, err := n.blobs.decrypt(*ref, h)
	if err != nil {
		d.MediaError = err.Error()
		return
	}
	d.SHA256, d.Size = hex.EncodeToString(h.Sum(nil)), size
}
