package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// pngDeclaring is a 16-bit RGBA PNG whose header declares w×h pixels and
// whose data holds one: the decoder allocates the declared canvas before it
// finds the data short.
func pngDeclaring(t *testing.T, w, h uint32) []byte {
	t.Helper()
	img := image.NewNRGBA64(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.NRGBA64{R: 0x1234, A: 0xffff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// The signature (8 bytes), then IHDR: length, type, width, height, ...
	if string(b[12:16]) != "IHDR" || b[24] != 16 {
		t.Fatalf("not a 16-bit PNG's IHDR: %x", b[:33])
	}
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// A 16-bit PNG of fewer pixels than the pixel bound can still need more
// memory decoded than a photo of that bound in RGBA (30 Mpx × 8 bytes is
// 240 MB): it is refused from its header, before anything is allocated.
func TestImageDecodedMemoryIsBoundedInBytes(t *testing.T) {
	in := spool(t, pngDeclaring(t, 6000, 5000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, k := range []media.Kind{media.Image, media.Sticker} {
		_, err := media.Prepare(context.Background(), k, in, media.Options{}, media.Config{TempDir: t.TempDir()})
		wantCode(t, err, werr.CodeUnsupportedMedia)
	}
	_, err := media.GroupPhoto(context.Background(), in, media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
		t.Fatalf("refusing the image allocated %d MiB", n>>20)
	}
	// A 16-bit PNG within the bound is taken.
	small := pngDeclaring(t, 1, 1)
	if _, err := media.Prepare(context.Background(), media.Image, spool(t, small), media.Options{}, media.Config{TempDir: t.TempDir()}); err != nil {
		t.Fatalf("a 1×1 16-bit PNG: %v", err)
	}
}
