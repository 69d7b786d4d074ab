package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/gen2brain/webp"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func prepareSticker(t *testing.T, data []byte) (*media.Prepared, *media.Blob, error) {
	t.Helper()
	in := spool(t, data)
	p, err := media.Prepare(context.Background(), media.Sticker, in, media.Options{}, media.Config{TempDir: t.TempDir()})
	return p, in, err
}

func TestStickerIs512WebPWithTransparentPadding(t *testing.T) {
	p, in, err := prepareSticker(t, pngOf(t, gradient(400, 200)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob == in || p.Mimetype != "image/webp" || p.Blob.Mimetype != "image/webp" || p.Width != 512 || p.Height != 512 || p.Animated {
		t.Fatalf("prepared %+v", p)
	}
	if p.Blob.Size > 100<<10 {
		t.Fatalf("%d bytes, over 100 KB", p.Blob.Size)
	}
	img, err := webp.Decode(bytes.NewReader(readBlob(t, p.Blob)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("%v", b)
	}
	// 400×200 scales to 512×256, centred: rows 0..127 and 384..511 are padding.
	for _, pt := range []image.Point{{256, 10}, {256, 500}, {0, 0}} {
		if _, _, _, a := img.At(pt.X, pt.Y).RGBA(); a != 0 {
			t.Fatalf("padding at %v has alpha %d", pt, a>>8)
		}
	}
	if _, _, _, a := img.At(256, 256).RGBA(); a>>8 != 255 {
		t.Fatalf("content at the centre has alpha %d", a>>8)
	}
}

// noisy is a 512×512 gradient with noise of the given amplitude: noise
// compresses badly, so it sets how hard the sticker is to fit.
func noisy(amp int) *image.NRGBA {
	r := rand.New(rand.NewPCG(1, 2))
	img := gradient(512, 512)
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = byte(min(255, int(img.Pix[i])+r.IntN(amp)))
		}
	}
	return img
}

func TestStickerLowersQualityUntilItFits(t *testing.T) {
	img := noisy(192)
	var q80 bytes.Buffer
	if err := webp.Encode(&q80, img, webp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if q80.Len() <= 100<<10 {
		t.Fatalf("test input too simple: %d bytes at quality 80", q80.Len())
	}
	p, _, err := prepareSticker(t, pngOf(t, img))
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob.Size > 100<<10 {
		t.Fatalf("%d bytes, over 100 KB", p.Blob.Size)
	}
}

func TestStickerThatCannotFitIsTooLarge(t *testing.T) {
	// Noise in every channel, alpha too: over 300 KB even at quality 5.
	r := rand.New(rand.NewPCG(3, 4))
	img := image.NewNRGBA(image.Rect(0, 0, 512, 512))
	for i := range img.Pix {
		img.Pix[i] = byte(r.IntN(256))
	}
	_, _, err := prepareSticker(t, pngOf(t, img))
	wantCode(t, err, werr.CodeMediaTooLarge)
}

func TestStickerConformingWebPIsKept(t *testing.T) {
	var buf bytes.Buffer
	if err := webp.Encode(&buf, gradient(512, 512), webp.Options{Quality: 50}); err != nil {
		t.Fatal(err)
	}
	p, in, err := prepareSticker(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob != in || p.Mimetype != "image/webp" || p.Animated {
		t.Fatalf("a conforming sticker must be sent as it came: %+v", p)
	}
	var small bytes.Buffer
	if err := webp.Encode(&small, gradient(100, 100), webp.Options{Quality: 50}); err != nil {
		t.Fatal(err)
	}
	if p, in, err := prepareSticker(t, small.Bytes()); err != nil || p.Blob == in {
		t.Fatalf("a 100×100 WebP must be converted: %v", err)
	}
}

// animatedWebP builds an animated WebP container: VP8X with the animation
// flag, ANIM, and frames of the given duration each holding a real VP8 image.
func animatedWebP(t *testing.T, side, frames, ms int) []byte {
	t.Helper()
	var still bytes.Buffer
	if err := webp.Encode(&still, gradient(side, side), webp.Options{Quality: 30}); err != nil {
		t.Fatal(err)
	}
	vp8 := still.Bytes()[12:] // the still file's chunks
	chunk := func(fourcc string, payload []byte) []byte {
		out := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
		out = append(out, payload...)
		if len(payload)%2 == 1 {
			out = append(out, 0)
		}
		return out
	}
	u24 := func(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }
	vp8x := append([]byte{0x02, 0, 0, 0}, append(u24(side-1), u24(side-1)...)...)
	body := append([]byte("WEBP"), chunk("VP8X", vp8x)...)
	body = append(body, chunk("ANIM", []byte{0, 0, 0, 0, 0, 0})...)
	for i := 0; i < frames; i++ {
		frame := append(append(append(u24(0), u24(0)...), append(u24(side-1), u24(side-1)...)...), append(u24(ms), 0)...)
		body = append(body, chunk("ANMF", append(frame, vp8...))...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestStickerAnimatedWebPKeptWithinLimits(t *testing.T) {
	p, in, err := prepareSticker(t, animatedWebP(t, 512, 3, 100))
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob != in || !p.Animated || p.Mimetype != "image/webp" || p.Width != 512 {
		t.Fatalf("prepared %+v", p)
	}
	_, _, err = prepareSticker(t, animatedWebP(t, 256, 3, 100))
	wantCode(t, err, werr.CodeUnsupportedMedia)
	_, _, err = prepareSticker(t, animatedWebP(t, 512, 3, 4000))
	wantCode(t, err, werr.CodeUnsupportedMedia)
}

func TestStickerRefusesNonImages(t *testing.T) {
	_, _, err := prepareSticker(t, []byte("%PDF-1.4\n"))
	wantCode(t, err, werr.CodeUnsupportedMedia)
	_, _, err = prepareSticker(t, []byte("RIFF\x04\x00\x00\x00WEBP"))
	wantCode(t, err, werr.CodeUnsupportedMedia)
}
