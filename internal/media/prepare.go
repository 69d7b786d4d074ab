package media

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/internal/werr"
)

// Options are what the caller asked for.
type Options struct {
	Compress bool   // images: JPEG ≤ 1600 px; video: H.264/AAC MP4 ≤ 1280 px
	PTT      bool   // audio: a voice note (OGG/Opus mono, waveform)
	Filename string // documents: kept; derived from the mimetype when empty
	Mimetype string // declared by the caller, checked against the content
	// MaxBytes bounds what a conversion writes (the kind's limit, as the
	// input's): ffmpeg stops there and a larger result is MEDIA_TOO_LARGE.
	// 0 is the kind's default limit (DefaultLimits).
	MaxBytes int64
}

// Prepared is what to upload and the metadata its message carries.
type Prepared struct {
	Blob               *Blob // the input itself or a converted temp file
	Mimetype, Filename string
	Width, Height      uint32
	Seconds            uint32
	Thumbnail          []byte // JPEG
	ThumbWidth         uint32
	ThumbHeight        uint32
	Waveform           []byte // 64 values 0..100, voice notes
	Animated           bool   // stickers
	PageCount          uint32 // PDF documents; 0 when unknown
}

// Converted reports whether p.Blob is a file Prepare made (which the caller
// removes with the input) rather than the input itself.
func (p *Prepared) Converted(in *Blob) bool { return p.Blob != in }

// Prepare checks in against kind k and turns it into what WhatsApp expects.
// The input blob is never modified; a conversion writes a new blob in
// cfg.TempDir that the caller removes (see Prepared.Converted).
func Prepare(ctx context.Context, k Kind, in *Blob, opt Options, cfg Config) (*Prepared, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultLimits().Of(k)
	}
	var (
		p   *Prepared
		err error
	)
	switch k {
	case Document:
		p, err = prepareDocument(ctx, in, opt)
	case Image:
		p, err = prepareImage(in, opt, cfg)
	case Sticker:
		p, err = prepareSticker(in, opt, cfg)
	case Video:
		p, err = prepareVideo(ctx, in, opt, cfg)
	case Audio:
		p, err = prepareAudio(ctx, in, opt, cfg)
	default:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "unknown media kind %q", k)
	}
	if err != nil {
		return nil, fmt.Errorf("preparing %s: %w", k, err)
	}
	return p, nil
}

func unsupported(format string, args ...any) error {
	return werr.New(werr.KindUnsupported, werr.CodeUnsupportedMedia, format, args...)
}

func unsupportedCause(err error, format string, args ...any) error {
	return werr.Wrap(err, werr.KindUnsupported, werr.CodeUnsupportedMedia, format, args...)
}
