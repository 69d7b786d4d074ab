package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"
)

// withEXIF inserts an APP1 segment with payload right after a JPEG's SOI.
func withEXIF(jpg, payload []byte) []byte {
	n := len(payload) + 2
	seg := append([]byte{0xff, 0xe1, byte(n >> 8), byte(n)}, payload...)
	return append(append(append([]byte(nil), jpg[:2]...), seg...), jpg[2:]...)
}

// exifPayload is an EXIF APP1 payload whose IFD0 holds only Orientation.
func exifPayload(o byte, bigEndian bool) []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0, 0, 0, 0, 0}
	if bigEndian {
		tiff = []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0}
	}
	return append([]byte("Exif\x00\x00"), tiff...)
}

func encodeTestJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every orientation: the size is the photo's as shown and the thumbnail is
// what the turned-then-filtered full image gives (imaging's own way, which
// this replaces), in both byte orders.
func TestOrientationAppliedToThumbnail(t *testing.T) {
	plain := encodeTestJPEG(t, photoLike(601, 403))
	for o := byte(1); o <= 8; o++ {
		for _, be := range []bool{false, true} {
			data := withEXIF(plain, exifPayload(o, be))
			d, _, err := decodeImage(spoolTest(t, data))
			if err != nil {
				t.Fatal(err)
			}
			want, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
			if err != nil {
				t.Fatal(err)
			}
			if w, h := d.size(); w != want.Bounds().Dx() || h != want.Bounds().Dy() || d.orient != orientation(o) {
				t.Fatalf("orientation %d: %d×%d (read %d), want %v", o, w, h, d.orient, want.Bounds().Size())
			}
			tw, th := fit(want.Bounds().Dx(), want.Bounds().Dy(), thumbMax)
			if diff := mad(t, d.fit(thumbMax), imaging.Resize(want, tw, th, imaging.Linear)); max(diff[0], diff[1], diff[2]) > 2 {
				t.Fatalf("orientation %d: thumbnail differs by %.2f", o, diff)
			}
		}
	}
}

// Orientations outside 1..8, a second APP1 (XMP) before the EXIF one and
// segments that end early are read as imaging reads them or as none.
func TestEXIFOrientationOddSegments(t *testing.T) {
	plain := encodeTestJPEG(t, photoLike(16, 8))
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), make([]byte, 40)...)
	for name, c := range map[string]struct {
		data []byte
		want orientation
	}{
		"none":         {plain, 0},
		"zero":         {withEXIF(plain, exifPayload(0, false)), 0},
		"nine":         {withEXIF(plain, exifPayload(9, true)), 0},
		"after xmp":    {withEXIF(withEXIF(plain, exifPayload(6, false)), xmp), 6},
		"cut":          {withEXIF(plain, exifPayload(6, false))[:20], 0},
		"ifd past end": {withEXIF(plain, append([]byte("Exif\x00\x00II*\x00"), 0xff, 0xff, 0, 0)), 0},
		"not a jpeg":   {[]byte("\x89PNG\r\n\x1a\n"), 0},
	} {
		if got := exifOrientation(c.data); got != c.want {
			t.Errorf("%s: orientation %d, want %d", name, got, c.want)
		}
	}
}

// FuzzEXIFOrientation feeds any APP1 payload: the reader never fails, and
// an orientation it finds is the one imaging's decoder applies.
func FuzzEXIFOrientation(f *testing.F) {
	plain := encodeTestJPEG(f, photoLike(6, 4))
	f.Add(exifPayload(6, false))
	f.Add(exifPayload(3, true))
	f.Add([]byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02\x01\x12"))
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload) > 65533 {
			return
		}
		data := withEXIF(plain, payload)
		o := exifOrientation(data)
		if o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if o == 0 {
			return
		}
		want, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := imaging.Clone(o.apply(img)); !bytes.Equal(got.Pix, imaging.Clone(want).Pix) || got.Rect != want.Bounds() {
			t.Fatalf("read orientation %d; imaging shows the photo otherwise", o)
		}
	})
}

func spoolTest(t testing.TB, data []byte) *Blob {
	t.Helper()
	b, err := Spool(bytes.NewReader(data), t.TempDir(), int64(len(data))+1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
