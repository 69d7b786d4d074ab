package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"testing"

	"github.com/gen2brain/webp"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func decodeJPEG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	return img
}

func TestImageKeptWithDimensionsAndThumbnail(t *testing.T) {
	src := jpegOf(t, gradient(300, 200))
	in := spool(t, src)
	p, err := media.Prepare(context.Background(), media.Image, in, media.Options{Mimetype: "image/jpeg"}, media.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob != in || p.Mimetype != "image/jpeg" || p.Width != 300 || p.Height != 200 {
		t.Fatalf("prepared %+v", p)
	}
	th := decodeJPEG(t, p.Thumbnail).Bounds()
	if th.Dx() != 72 || th.Dy() != 48 || p.ThumbWidth != 72 || p.ThumbHeight != 48 {
		t.Fatalf("thumbnail %v (%d×%d), want 72×48", th, p.ThumbWidth, p.ThumbHeight)
	}
}

func TestImageCompressShrinksToJPEG1600(t *testing.T) {
	in := spool(t, jpegOf(t, gradient(400, 2000)))
	p, err := media.Prepare(context.Background(), media.Image, in, media.Options{Compress: true}, media.Config{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Blob == in || !p.Converted(in) || p.Mimetype != "image/jpeg" || p.Blob.Mimetype != "image/jpeg" {
		t.Fatalf("prepared %+v", p)
	}
	b := decodeJPEG(t, readBlob(t, p.Blob)).Bounds()
	if b.Dx() != 320 || b.Dy() != 1600 || p.Width != 320 || p.Height != 1600 {
		t.Fatalf("compressed to %v (%d×%d), want 320×1600", b, p.Width, p.Height)
	}
	if p.ThumbWidth != 14 || p.ThumbHeight != 72 {
		t.Fatalf("thumbnail %d×%d", p.ThumbWidth, p.ThumbHeight)
	}
}

func TestImageGIFAndWebPBecomeJPEG(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 40, 20), []color.Color{color.Black, color.White})
	var g bytes.Buffer
	if err := gif.Encode(&g, pal, nil); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if err := webp.Encode(&w, gradient(40, 20), webp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"gif": g.Bytes(), "webp": w.Bytes()} {
		p, err := media.Prepare(context.Background(), media.Image, spool(t, data), media.Options{}, media.Config{TempDir: t.TempDir()})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Mimetype != "image/jpeg" || p.Width != 40 || p.Height != 20 {
			t.Fatalf("%s: %+v", name, p)
		}
		decodeJPEG(t, readBlob(t, p.Blob))
	}
}

func TestImageRefusesWhatIsNotTheImageItClaims(t *testing.T) {
	good := jpegOf(t, gradient(64, 64))
	cases := map[string]struct {
		data     []byte
		declared string
	}{
		"a PDF":              {[]byte("%PDF-1.4\n%…"), ""},
		"a corrupt JPEG":     {good[:len(good)/3], ""},
		"a JPEG said as PNG": {good, "image/png"},
		"a PDF said as JPEG": {[]byte("%PDF-1.4\n"), "image/jpeg"},
		"an absurd canvas":   {pngHeader(100000, 100000), ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := media.Prepare(context.Background(), media.Image, spool(t, c.data), media.Options{Mimetype: c.declared}, media.Config{})
			wantCode(t, err, werr.CodeUnsupportedMedia)
			if werr.From(err).Status() != 415 {
				t.Fatalf("status %d", werr.From(err).Status())
			}
		})
	}
}

// pngHeader is a PNG whose IHDR declares w×h with no pixel data behind it.
func pngHeader(w, h int) []byte {
	full := pngOf(nil, image.NewGray(image.Rect(0, 0, 1, 1)))
	ihdr := full[:33]
	out := append([]byte(nil), ihdr...)
	out[16], out[17], out[18], out[19] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	out[20], out[21], out[22], out[23] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	return out
}

func TestGroupPhotoIsACentreSquareOf640(t *testing.T) {
	// Left third red, middle green, right third blue: the crop keeps green.
	img := image.NewNRGBA(image.Rect(0, 0, 1800, 600))
	third := func(x0 int, c color.NRGBA) {
		draw.Draw(img, image.Rect(x0, 0, x0+600, 600), image.NewUniform(c), image.Point{}, draw.Src)
	}
	third(0, color.NRGBA{255, 0, 0, 255})
	third(600, color.NRGBA{0, 255, 0, 255})
	third(1200, color.NRGBA{0, 0, 255, 255})
	out, err := media.GroupPhoto(context.Background(), spool(t, jpegOf(t, img)), media.Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := decodeJPEG(t, out)
	if b := got.Bounds(); b.Dx() != 600 || b.Dy() != 600 {
		t.Fatalf("%v, want 600×600 (never upscaled)", b)
	}
	for _, pt := range []image.Point{{5, 5}, {594, 594}, {300, 300}} {
		r, g, b, _ := got.At(pt.X, pt.Y).RGBA()
		if g>>8 < 200 || r>>8 > 60 || b>>8 > 60 {
			t.Fatalf("pixel %v is %d,%d,%d: not the centre", pt, r>>8, g>>8, b>>8)
		}
	}
	big, err := media.GroupPhoto(context.Background(), spool(t, jpegOf(t, gradient(1000, 700))), media.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if b := decodeJPEG(t, big).Bounds(); b.Dx() != 640 || b.Dy() != 640 {
		t.Fatalf("%v, want 640×640", b)
	}
	_, err = media.GroupPhoto(context.Background(), spool(t, []byte("%PDF-1.4\n")), media.Config{})
	wantCode(t, err, werr.CodeUnsupportedMedia)
}

func TestImageTransparencyBecomesWhiteInJPEG(t *testing.T) {
	clear := image.NewNRGBA(image.Rect(0, 0, 20, 20)) // fully transparent
	p, err := media.Prepare(context.Background(), media.Image, spool(t, pngOf(t, clear)), media.Options{Compress: true}, media.Config{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := decodeJPEG(t, readBlob(t, p.Blob)).At(10, 10).RGBA()
	if r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
		t.Fatalf("transparent became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

// withOrientation inserts an EXIF APP1 segment with the given orientation
// right after the JPEG's SOI marker.
func withOrientation(jpg []byte, orientation byte) []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian header, IFD at 8
		1, 0, // one entry
		0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, // Orientation, SHORT, 1
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	n := len(payload) + 2
	seg := append([]byte{0xff, 0xe1, byte(n >> 8), byte(n)}, payload...)
	return append(append(append([]byte(nil), jpg[:2]...), seg...), jpg[2:]...)
}

func TestImageHonoursEXIFOrientation(t *testing.T) {
	rotated := withOrientation(jpegOf(t, gradient(300, 200)), 6) // shown turned 90°
	p, err := media.Prepare(context.Background(), media.Image, spool(t, rotated), media.Options{Compress: true}, media.Config{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b := decodeJPEG(t, readBlob(t, p.Blob)).Bounds()
	if p.Width != 200 || p.Height != 300 || b.Dx() != 200 || b.Dy() != 300 || p.ThumbWidth != 48 {
		t.Fatalf("%d×%d (encoded %v, thumb %d), want the photo as shown: 200×300", p.Width, p.Height, b, p.ThumbWidth)
	}
}
