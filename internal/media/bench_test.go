package media_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

func benchPrepare(b *testing.B, k media.Kind, in *media.Blob, opt media.Options) {
	b.Helper()
	cfg := media.Config{TempDir: b.TempDir()}
	b.SetBytes(in.Size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := media.Prepare(context.Background(), k, in, opt, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if p.Converted(in) {
			_ = p.Blob.Remove()
		}
	}
}

// A 12-megapixel camera photo compressed to 1600 px with its thumbnail.
func BenchmarkPrepareImageCompress4000x3000(b *testing.B) {
	benchPrepare(b, media.Image, spool(b, jpegOf(b, gradient(4000, 3000))), media.Options{Compress: true})
}

// A 1024×768 PNG made into a 512×512 WebP sticker.
func BenchmarkPrepareSticker(b *testing.B) {
	benchPrepare(b, media.Sticker, spool(b, pngOf(b, gradient(1024, 768))), media.Options{})
}

// A 30 s AAC clip made into an Opus voice note with its waveform.
func BenchmarkPreparePTT30s(b *testing.B) {
	in := generate(b, "memo.m4a", "-f", "lavfi", "-i", "sine=frequency=440:duration=30", "-c:a", "aac")
	benchPrepare(b, media.Audio, in, media.Options{PTT: true})
}

// noiseJPEG is the bench's image (bench/scenarios_media.go): random RGB
// noise at quality 95, 2341×1756 and about 5 MiB, the worst case for the
// decoder and the resize alike.
func noiseJPEG(b testing.TB) []byte {
	b.Helper()
	rng := rand.New(rand.NewPCG(8, 8))
	img := image.NewRGBA(image.Rect(0, 0, 2341, 1756))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.UintN(256))
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// The bench's send: a 5 MiB JPEG kept as it is, with dimensions and thumbnail.
func BenchmarkPrepareImageNoise5MiB(b *testing.B) {
	benchPrepare(b, media.Image, spool(b, noiseJPEG(b)), media.Options{Mimetype: "image/jpeg"})
}

// The same photo as a phone held upright writes it: EXIF orientation 6.
func BenchmarkPrepareImageNoise5MiBRotated(b *testing.B) {
	benchPrepare(b, media.Image, spool(b, withOrientation(noiseJPEG(b), 6)), media.Options{Mimetype: "image/jpeg"})
}
