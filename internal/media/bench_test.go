package media_test

import (
	"context"
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
