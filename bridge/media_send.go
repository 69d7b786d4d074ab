package bridge

import (
	"context"
	"encoding/hex"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// SendMediaRequest is an image, video, audio, document or sticker to send
// (send.image, send.video, send.audio, send.document, send.sticker).
type SendMediaRequest struct {
	Kind media.Kind
	To   string // phone number or JID
	// Media is a data: URL, an http(s) URL (fetched under the fetch guard)
	// or a nats-object:// reference, resolved by ManagerConfig.Media.
	Media   string
	Caption string // images, videos, documents
	// ViewOnce (images, videos) lets the recipient open it once.
	ViewOnce bool
	// Compress re-encodes images (JPEG, ≤ 1600 px) and videos (H.264/AAC).
	Compress bool
	// PTT sends audio as a voice note (converted to OGG/Opus mono).
	PTT bool
	// Filename and Mimetype (documents) override what the source declared;
	// the mimetype is sniffed when nobody declared one.
	Filename, Mimetype string
	ReplyTo            string   // as SendTextRequest.ReplyTo
	Mentions           []string // mentioned in the caption
	Forwarded          bool
	Key                string // as SendTextRequest.Key
}

// SentMedia is what was uploaded: the facts of the content the recipient
// downloads (after conversion, when there was one).
type SentMedia struct {
	Mimetype string `json:"mimetype"`
	Size     uint64 `json:"size"`
	SHA256   string `json:"sha256"` // of the plaintext, lower-case hex
	Filename string `json:"filename,omitempty"`
	Width    uint32 `json:"width,omitempty"`
	Height   uint32 `json:"height,omitempty"`
	Seconds  uint32 `json:"seconds,omitempty"`
	PTT      bool   `json:"ptt,omitempty"`
	ViewOnce bool   `json:"view_once,omitempty"`
	Animated bool   `json:"animated,omitempty"`
}

// MediaSendResult is a media send's result.
type MediaSendResult struct {
	SendResult
	Media SentMedia
}

// mediaKind is what differs between the media commands.
type mediaKind struct {
	upload  whatsmeow.MediaType // the keys it is encrypted with
	caption bool                // WhatsApp shows a caption with it
	// build makes the message of an upload of the prepared content.
	build func(mediaMessage) *waE2E.Message
}

// mediaKinds maps each kind to its upload type: stickers are encrypted
// as images, voice notes as audio (WhatsApp's own clients do the same).
func mediaKinds() map[media.Kind]mediaKind {
	return map[media.Kind]mediaKind{
		media.Image:    {upload: whatsmeow.MediaImage, caption: true, build: imageMessage},
		media.Video:    {upload: whatsmeow.MediaVideo, caption: true, build: videoMessage},
		media.Audio:    {upload: whatsmeow.MediaAudio, build: audioMessage},
		media.Document: {upload: whatsmeow.MediaDocument, caption: true, build: documentMessage},
		media.Sticker:  {upload: whatsmeow.MediaImage, build: stickerMessage},
	}
}

// SendMedia resolves req.Media, prepares it for its kind (media.Prepare:
// checks, conversion, dimensions, thumbnail, duration, waveform), uploads
// it — or reuses the upload of the same content for a retried command —
// and sends the message under the id req.Key gives. Bad input is refused
// before the session's state is looked at, as for every send.
func (s *Session) SendMedia(ctx context.Context, req SendMediaRequest) (MediaSendResult, error) {
	kind, ok := mediaKinds()[req.Kind]
	if !ok {
		return MediaSendResult{}, werr.Invalid(werr.CodeInvalidPayload, "unknown media kind %q", req.Kind)
	}
	to, err := ParseRecipient(req.To)
	if err != nil {
		return MediaSendResult{}, err
	}
	ctxInfo, err := s.mediaContext(to, req)
	if err != nil {
		return MediaSendResult{}, err
	}
	prep, done, err := s.prepareMedia(ctx, req)
	if err != nil {
		return MediaSendResult{}, err
	}
	defer done()
	l, me := s.view()
	if !l.loggedIn(me) {
		return MediaSendResult{}, errNotLoggedIn(s.name)
	}
	if !l.client.IsConnected() {
		return MediaSendResult{}, errNotConnected(s.name)
	}
	up, err := s.upload(ctx, l, to, req, prep, kind.upload)
	if err != nil {
		return MediaSendResult{}, err
	}
	msg := viewOnceEnvelope(kind.build(mediaMessage{up: up, prep: prep.Prepared, req: req, ctx: ctxInfo}), req.Kind, req.ViewOnce)
	text := ""
	if kind.caption {
		text = req.Caption
	}
	res, err := s.send(ctx, l, me, sendJob{to: to, msg: msg, key: req.Key, text: text, what: "sending the " + string(req.Kind) + " to %s"})
	if err != nil {
		return MediaSendResult{}, err
	}
	return MediaSendResult{SendResult: res, Media: sentMedia(req, prep.Prepared, up.UploadResponse)}, nil
}

// prepared is the content to upload and the sha256 of what was given.
type prepared struct {
	*media.Prepared
	inputSHA256 []byte
}

// prepareMedia resolves and prepares req's media; done removes the
// temporary files.
func (s *Session) prepareMedia(ctx context.Context, req SendMediaRequest) (prepared, func(), error) {
	in, err := s.resolveMedia(ctx, req.Kind, req.Media)
	if err != nil {
		return prepared{}, nil, err
	}
	opt := media.Options{Compress: req.Compress, PTT: req.PTT, Filename: req.Filename, Mimetype: req.Mimetype,
		MaxBytes: s.d.cfg.MediaLimits.Of(req.Kind)}
	if opt.Filename == "" {
		opt.Filename = in.Filename
	}
	if opt.Mimetype == "" {
		opt.Mimetype = in.Mimetype
	}
	p, err := media.Prepare(ctx, req.Kind, in.Blob, opt, s.d.cfg.MediaPrep)
	if err != nil {
		_ = in.Blob.Remove()
		return prepared{}, nil, err
	}
	done := func() {
		if p.Converted(in.Blob) {
			_ = p.Blob.Remove()
		}
		_ = in.Blob.Remove()
	}
	return prepared{Prepared: p, inputSHA256: in.Blob.SHA256}, done, nil
}

// mediaContext is the context of req's message: the quoted message (which
// must exist), mentions, the forwarded mark; nil when there is none.
func (s *Session) mediaContext(to types.JID, req SendMediaRequest) (*waE2E.ContextInfo, error) {
	mentions, err := parseMentions(req.Mentions)
	if err != nil {
		return nil, err
	}
	var quoted *StoredMessage
	if req.ReplyTo != "" {
		m, err := s.d.index.Lookup(s.name, req.ReplyTo, to)
		if err != nil {
			return nil, err
		}
		quoted = &m
	}
	return contextOf(quoted, mentions, req.Forwarded), nil
}

// sentMedia is what the result says of the upload. Size and hash are the
// upload's: the bytes the recipient downloads.
func sentMedia(req SendMediaRequest, p *media.Prepared, up whatsmeow.UploadResponse) SentMedia {
	m := SentMedia{
		Mimetype: p.Mimetype, Size: up.FileLength, SHA256: hex.EncodeToString(up.FileSHA256),
		Width: p.Width, Height: p.Height, Seconds: p.Seconds, Animated: p.Animated,
	}
	switch req.Kind {
	case media.Document:
		m.Filename = p.Filename
	case media.Audio:
		m.PTT = req.PTT
	case media.Image, media.Video:
		m.ViewOnce = req.ViewOnce
	}
	return m
}

func errMediaNotConfigured() error {
	return werr.New(werr.KindNotImplemented, werr.CodeNotSupported, "sending media is not configured on this bridge (no media source)")
}
