package sandbox

import (
	"context"
	"image"
	_ "image/gif"  // dimensions of GIF images
	_ "image/jpeg" // dimensions of photos
	_ "image/png"  // dimensions of PNG images
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	_ "golang.org/x/image/webp" // dimensions of stickers
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// inboundMedia is the network's side of virtual contacts' media: where
// their content comes from, and what their phones keep of it. The zero
// value reads data: URLs only.
type inboundMedia struct {
	mu     sync.Mutex
	source bridge.MediaSource
	phones phoneMedia
}

// SetMediaSource lets virtual contacts send media given as the send.*
// commands take it (data: URL, http(s) URL, nats-object:// reference);
// without one they take data: URLs only.
func (n *Network) SetMediaSource(src bridge.MediaSource) {
	n.media.mu.Lock()
	defer n.media.mu.Unlock()
	n.media.source = src
}

// inboundMediaFields are the send.* commands' fields of a media message.
type inboundMediaFields struct {
	Image    string `json:"image"`
	Video    string `json:"video"`
	Audio    string `json:"audio"`
	Document string `json:"document"`
	Sticker  string `json:"sticker"`
	Caption  string `json:"caption"`
	ViewOnce bool   `json:"view_once"`
	PTT      bool   `json:"ptt"`
	Filename string `json:"filename"`
	Mimetype string `json:"mimetype"`
	// VideoNote sends a video as a round video note (WhatsApp's PTV).
	VideoNote bool   `json:"video_note"`
	Seconds   uint32 `json:"seconds"`
	// ExpireMedia is a test hook: the CDN forgets the media right after
	// it was sent (the sender's phone keeps it), so downloading it takes
	// WhatsApp's media retry.
	ExpireMedia bool `json:"expire_media"`
}

func (f inboundMediaFields) source(kind media.Kind) string {
	return map[media.Kind]string{media.Image: f.Image, media.Video: f.Video, media.Audio: f.Audio,
		media.Document: f.Document, media.Sticker: f.Sticker}[kind]
}

// inboundMediaMessage is the media message a phone sends: the content
// encrypted and uploaded to the network's CDN with the media type of the
// message (stickers as images), the message carrying what the upload
// answered and what the phone knows of the file.
func (n *Network) inboundMediaMessage(in Inbound) (*waE2E.Message, error) {
	var f inboundMediaFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	kind := media.Kind(in.Type)
	blob, err := n.resolveInboundMedia(kind, f.source(kind))
	if err != nil {
		return nil, err
	}
	defer func() { _ = blob.Remove() }()
	file, err := blob.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	up, err := n.blobs.encryptUpload(file, uploadType(kind))
	if err != nil {
		return nil, err
	}
	if err := n.keepOnPhone(up); err != nil {
		return nil, err
	}
	if f.ExpireMedia {
		n.expireSent(up.MediaKey, up.DirectPath)
	}
	if f.Mimetype == "" {
		f.Mimetype = blob.Mimetype
	}
	w, h := dimensions(blob, kind)
	return mediaMessage(kind, f, up, w, h, n.clock.now().Unix()), nil
}

// keepOnPhone has the sender's phone keep what it uploaded.
func (n *Network) keepOnPhone(up whatsmeow.UploadResponse) error {
	r, info, err := n.blobs.open(up.DirectPath)
	if err != nil {
		return err
	}
	return n.media.phones.remember(up.MediaKey, r, info.MediaType)
}

// resolveInboundMedia spools src: through the configured source, or a
// data: URL here.
func (n *Network) resolveInboundMedia(kind media.Kind, src string) (*media.Blob, error) {
	if src == "" {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%s: the %s field is required (a data: URL or an object reference)", kind, kind)
	}
	limit := media.DefaultLimits().Of(kind)
	n.media.mu.Lock()
	source := n.media.source
	n.media.mu.Unlock()
	if source != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return source.Resolve(ctx, src, limit)
	}
	if !strings.HasPrefix(strings.ToLower(src), "data:") {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%s: without a media store the sandbox takes data: URLs only", kind)
	}
	d, err := media.ParseDataURL(src)
	if err != nil {
		return nil, err
	}
	return media.Spool(d.Body, "", limit)
}

func uploadType(k media.Kind) whatsmeow.MediaType {
	switch k {
	case media.Video:
		return whatsmeow.MediaVideo
	case media.Audio:
		return whatsmeow.MediaAudio
	case media.Document:
		return whatsmeow.MediaDocument
	}
	return whatsmeow.MediaImage // images and stickers
}

// dimensions of an image or sticker, when its format tells them cheaply.
func dimensions(b *media.Blob, k media.Kind) (uint32, uint32) {
	if k != media.Image && k != media.Sticker {
		return 0, 0
	}
	f, err := b.Open()
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0
	}
	return uint32(cfg.Width), uint32(cfg.Height)
}

// mediaMessage builds the message of kind as WhatsApp's phones do: the
// view-once mark on the media and the wrapper older clients read, a
// document with a caption in its wrapper, a voice note as PTT audio.
func mediaMessage(k media.Kind, f inboundMediaFields, up whatsmeow.UploadResponse, w, h uint32, at int64) *waE2E.Message {
	url, path, length := proto.String(up.URL), proto.String(up.DirectPath), proto.Uint64(up.FileLength)
	mt, caption, now := proto.String(f.Mimetype), optString(f.Caption), proto.Int64(at)
	var m *waE2E.Message
	switch k {
	case media.Image:
		m = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{URL: url, DirectPath: path, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: length, Mimetype: mt,
			Caption: caption, Width: optUint(w), Height: optUint(h), ViewOnce: optTrue(f.ViewOnce), MediaKeyTimestamp: now}}
	case media.Video:
		v := &waE2E.VideoMessage{URL: url, DirectPath: path, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: length, Mimetype: mt,
			Caption: caption, Seconds: optUint(f.Seconds), ViewOnce: optTrue(f.ViewOnce), MediaKeyTimestamp: now}
		m = &waE2E.Message{VideoMessage: v}
		if f.VideoNote {
			m = &waE2E.Message{PtvMessage: v}
		}
	case media.Audio:
		m = &waE2E.Message{AudioMessage: &waE2E.AudioMessage{URL: url, DirectPath: path, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: length, Mimetype: mt,
			Seconds: optUint(f.Seconds), PTT: optTrue(f.PTT), ViewOnce: optTrue(f.ViewOnce), MediaKeyTimestamp: now}}
	case media.Document:
		doc := &waE2E.DocumentMessage{URL: url, DirectPath: path, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: length, Mimetype: mt,
			FileName: optString(f.Filename), Title: optString(f.Filename), Caption: caption, MediaKeyTimestamp: now}
		m = &waE2E.Message{DocumentMessage: doc}
		if f.Caption != "" {
			m = &waE2E.Message{DocumentWithCaptionMessage: &waE2E.FutureProofMessage{Message: m}}
		}
	default:
		m = &waE2E.Message{StickerMessage: &waE2E.StickerMessage{URL: url, DirectPath: path, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: length, Mimetype: mt,
			Width: optUint(w), Height: optUint(h), MediaKeyTimestamp: now}}
	}
	if f.ViewOnce && k != media.Document && k != media.Sticker {
		m = &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: m}}
	}
	return m
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}

func optUint(v uint32) *uint32 {
	if v == 0 {
		return nil
	}
	return proto.Uint32(v)
}

func optTrue(b bool) *bool {
	if !b {
		return nil
	}
	return proto.Bool(true)
}
