package bridge_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

// photoSource is a MediaSource over named in-memory contents.
type photoSource struct {
	dir   string
	files map[string][]byte
}

func (p photoSource) Resolve(_ context.Context, src string, limit int64) (*media.Blob, error) {
	return media.Spool(bytes.NewReader(p.files[src]), p.dir, limit)
}

func groupPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSetGroupPhoto: the image is resolved through the media source and
// reaches SetGroupPhoto as WhatsApp needs it, a JPEG of the centre square
// (at most 640×640); "" removes the photo; what is no image is refused
// before WhatsApp is asked.
func TestSetGroupPhoto(t *testing.T) {
	src := photoSource{dir: t.TempDir(), files: map[string][]byte{
		"wide": groupPNG(t, 1200, 800), "pdf": []byte("%PDF-1.4 not an image"),
	}}
	e, f := wrappedEnv(t, func(c *fakeClient) *groupFake { return &groupFake{fakeClient: c} },
		func(c *bridgeConfig) { c.Media = src })
	s := e.session("default")
	got, err := s.SetGroupPhoto(context.Background(), group.String(), "wide")
	if err != nil {
		t.Fatal(err)
	}
	if got.PictureID != "1700000000" || got.GroupID != group.String() {
		t.Errorf("answer %+v", got)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(f.photos[0]))
	if err != nil || format != "jpeg" || cfg.Width != cfg.Height || cfg.Width > 640 {
		t.Errorf("photo sent: %s %dx%d (%v), want a square JPEG of at most 640", format, cfg.Width, cfg.Height, err)
	}
	removed, err := s.SetGroupPhoto(context.Background(), group.String(), "")
	if err != nil || !removed.PhotoRemoved || removed.PictureID != "" {
		t.Errorf("removal %+v, %v", removed, err)
	}
	_, err = s.SetGroupPhoto(context.Background(), group.String(), "pdf")
	wantCode(t, err, "UNSUPPORTED_MEDIA")
	wantCalls(t, f, "SetGroupPhoto "+group.String()+" nil=false", "SetGroupPhoto "+group.String()+" nil=true")
	if len(f.photos[1]) != 0 || f.photos[1] != nil {
		t.Error("removal sent bytes")
	}
}
