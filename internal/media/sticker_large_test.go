package media_test

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/gen2brain/webp"

	"github.com/wabridge/wabridge/internal/werr"
)

// A still WebP larger than an animated sticker may be (500 KB) is an image
// like any other: scaled and re-encoded, not refused as corrupt because
// only its head was read.
func TestStickerLargeStillWebPIsConverted(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	img := image.NewNRGBA(image.Rect(0, 0, 1024, 1024))
	for i := range img.Pix {
		img.Pix[i] = byte(r.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := webp.Encode(&buf, img, webp.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() <= 500<<10 {
		t.Fatalf("test input too small: %d bytes", buf.Len())
	}
	p, in, err := prepareSticker(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob == in || p.Mimetype != "image/webp" || p.Width != 512 || p.Height != 512 || p.Blob.Size > 100<<10 {
		t.Fatalf("prepared %+v (%d bytes)", p, p.Blob.Size)
	}
}

// An animated WebP over 500 KB is too large, not corrupt.
func TestStickerLargeAnimatedWebPIsTooLarge(t *testing.T) {
	data := animatedWebP(t, 512, 150, 50)
	if len(data) <= 500<<10 {
		t.Fatalf("test input too small: %d bytes", len(data))
	}
	_, _, err := prepareSticker(t, data)
	wantCode(t, err, werr.CodeMediaTooLarge)
}
