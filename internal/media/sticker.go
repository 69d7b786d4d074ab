package media

import (
	"bytes"
	"fmt"
	"image"
	"io"

	"github.com/gen2brain/webp"
	"golang.org/x/image/draw"

	"github.com/wabridge/wabridge/internal/werr"
)

// WhatsApp's sticker rules: a 512×512 WebP canvas, a static one at most
// 100 KB, an animated one at most 500 KB and 10 seconds.
const (
	stickerSide        = 512
	stickerStaticMax   = 100 << 10
	stickerAnimatedMax = 500 << 10
	stickerMaxMS       = 10_000
)

// stickerQualities are tried in order until the WebP fits stickerStaticMax.
var stickerQualities = [...]int{80, 65, 50, 35, 20, 5}

// prepareSticker keeps a conforming WebP as it is and turns any other still
// image into one: scaled to fit 512×512, centred on transparent padding.
// Animated WebP is kept when it is within the rules and refused otherwise
// (re-encoding animation is not done here).
func prepareSticker(in *Blob, opt Options, cfg Config) (*Prepared, error) {
	if err := checkDeclared(in, opt.Mimetype); err != nil {
		return nil, err
	}
	if baseType(in.Mimetype) == "image/webp" {
		if p, err := keepWebPSticker(in); p != nil || err != nil {
			return p, err
		}
	}
	d, _, err := decodeImage(in)
	if err != nil {
		return nil, err
	}
	data, err := encodeSticker(d.orient.apply(d.img))
	if err != nil {
		return nil, err
	}
	blob, err := spoolBytes(data, cfg.TempDir)
	if err != nil {
		return nil, err
	}
	return &Prepared{Blob: blob, Mimetype: "image/webp", Width: stickerSide, Height: stickerSide}, nil
}

// keepWebPSticker answers a Prepared for a WebP that conforms already, an
// error for an animated one that does not, and nil, nil for a still image to
// convert.
func keepWebPSticker(in *Blob) (*Prepared, error) {
	data, err := readAtMost(in, stickerAnimatedMax)
	if err != nil {
		return nil, err
	}
	// A file over the animated limit is read only as far as that limit:
	// enough to know whether it is animated (then too large) or a still
	// image (then converted).
	info, err := parseWebP(data, int64(len(data)) == in.Size)
	if err != nil {
		return nil, unsupportedCause(err, "the WebP sticker is corrupt")
	}
	if info.Animated {
		if err := checkAnimated(in.Size, info); err != nil {
			return nil, err
		}
		return &Prepared{Blob: in, Mimetype: "image/webp", Width: stickerSide, Height: stickerSide, Animated: true}, nil
	}
	if in.Size > stickerStaticMax {
		return nil, nil
	}
	cfg, err := webp.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, unsupportedCause(err, "the WebP sticker is corrupt")
	}
	if cfg.Width != stickerSide || cfg.Height != stickerSide {
		return nil, nil
	}
	return &Prepared{Blob: in, Mimetype: "image/webp", Width: stickerSide, Height: stickerSide}, nil
}

func checkAnimated(size int64, info webpInfo) error {
	switch {
	case size > stickerAnimatedMax:
		return werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
			"an animated sticker may be at most %d bytes, this one is %d", stickerAnimatedMax, size)
	case info.Width != stickerSide || info.Height != stickerSide:
		return unsupported("an animated sticker must be %d×%d, this one is %d×%d (animations are not re-encoded)",
			stickerSide, stickerSide, info.Width, info.Height)
	case info.DurationMS > stickerMaxMS:
		return unsupported("an animated sticker may last at most %d ms, this one lasts %d", stickerMaxMS, info.DurationMS)
	}
	return nil
}

// readAtMost reads the whole blob when it is at most max bytes, else its
// first max bytes (enough for the chunk headers that say what it is).
func readAtMost(in *Blob, max int64) ([]byte, error) {
	f, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return nil, fmt.Errorf("reading media: %w", err)
	}
	return data, nil
}

// encodeSticker lowers the WebP quality until the sticker fits.
func encodeSticker(img image.Image) ([]byte, error) {
	canvas := stickerCanvas(img)
	for _, q := range stickerQualities {
		var buf bytes.Buffer
		if err := webp.Encode(&buf, canvas, webp.Options{Quality: q, Method: webp.DefaultMethod}); err != nil {
			return nil, fmt.Errorf("encoding sticker WebP: %w", err)
		}
		if buf.Len() <= stickerStaticMax {
			return buf.Bytes(), nil
		}
	}
	return nil, werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
		"the sticker does not fit in %d bytes even at the lowest quality", stickerStaticMax)
}

// stickerCanvas scales img (up or down) so its longest side is 512 and
// centres it on a transparent 512×512 canvas.
func stickerCanvas(img image.Image) *image.NRGBA {
	b := img.Bounds()
	w, h := stickerSide, stickerSide
	if b.Dx() >= b.Dy() {
		h = maxInt(1, (b.Dy()*stickerSide+b.Dx()/2)/b.Dx())
	} else {
		w = maxInt(1, (b.Dx()*stickerSide+b.Dy()/2)/b.Dy())
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, stickerSide, stickerSide))
	at := image.Rect((stickerSide-w)/2, (stickerSide-h)/2, (stickerSide-w)/2+w, (stickerSide-h)/2+h)
	draw.Draw(canvas, at, scale(img, w, h), image.Point{}, draw.Over)
	return canvas
}
