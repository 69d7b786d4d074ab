package linkpreview_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/linkpreview"
	"github.com/wabridge/wabridge/internal/werr"
)

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is a small PNG whose header claims w×h pixels.
func bomb(t *testing.T, w, h uint32) []byte {
	b := pngOf(t, 1, 1)
	// IHDR data starts at 16 (8 signature + 4 length + 4 type).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

type site struct {
	srv       *httptest.Server
	imageHits atomic.Int32
}

func newSite(t *testing.T, image []byte, imageRef string) *site {
	s := &site{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><head><title>fallback</title><meta property="og:title" content="Go &amp; WhatsApp">
<meta property="og:description" content="A bridge."><meta property="og:image" content="%s"></head></html>`, imageRef)
		case "/bare":
			fmt.Fprint(w, `<p>nothing</p>`)
		case "/file.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4")
		case "/img.png":
			s.imageHits.Add(1)
			w.Header().Set("Content-Type", "image/png")
			w.Write(image)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func previewer(t *testing.T, allow ...string) *linkpreview.Previewer {
	f, err := fetch.New(fetch.Config{Allow: allow, Resolver: noDNS{}})
	if err != nil {
		t.Fatal(err)
	}
	return linkpreview.New(f, linkpreview.Config{})
}

type noDNS struct{}

func (noDNS) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, errors.New("no DNS in tests")
}

func TestPreviewWithThumbnail(t *testing.T) {
	s := newSite(t, pngOf(t, 800, 400), "/img.png")
	p, err := previewer(t, "127.0.0.1/32").Preview(context.Background(), s.srv.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Go & WhatsApp" || p.Description != "A bridge." || p.ImageError != "" {
		t.Fatalf("preview = %+v", p)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Thumbnail))
	if err != nil {
		t.Fatalf("thumbnail is no JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 192 || b.Dy() != 96 || p.ThumbnailWidth != 192 || p.ThumbnailHeight != 96 {
		t.Fatalf("thumbnail %v, said %d×%d", b, p.ThumbnailWidth, p.ThumbnailHeight)
	}
}

func TestPreviewImageFailuresLeaveOutTheThumbnail(t *testing.T) {
	for name, tc := range map[string]struct {
		image []byte
		ref   string
	}{
		"metadata address":   {nil, "http://169.254.169.254/latest/meta-data/"},
		"decompression bomb": {bomb(t, 100_000, 100_000), "/img.png"},
		"not an image":       {[]byte("<html>"), "/img.png"},
		"missing":            {nil, "/gone.png"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSite(t, tc.image, tc.ref)
			p, err := previewer(t, "127.0.0.1/32").Preview(context.Background(), s.srv.URL+"/page")
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != "Go & WhatsApp" || p.Thumbnail != nil || p.ImageError == "" {
				t.Fatalf("preview = %+v", p)
			}
		})
	}
}

func TestPreviewPageFailures(t *testing.T) {
	s := newSite(t, nil, "")
	for path, code := range map[string]string{
		"/bare":     werr.CodeUnsupportedMedia,
		"/file.pdf": werr.CodeUnsupportedMedia,
		"/404":      werr.CodeFetchFailed,
	} {
		_, err := previewer(t, "127.0.0.1/32").Preview(context.Background(), s.srv.URL+path)
		if werr.From(err).Code != code {
			t.Errorf("%s: %v, want %s", path, err, code)
		}
	}
	_, err := previewer(t).Preview(context.Background(), s.srv.URL+"/page")
	if werr.From(err).Code != werr.CodeURLNotAllowed {
		t.Fatalf("loopback without allow: %v", err)
	}
}

func BenchmarkThumbnail(b *testing.B) {
	img := pngOf(b, 1600, 1200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/img.png" {
			w.Write(img)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<meta property="og:image" content="/img.png">`)
	}))
	defer srv.Close()
	f, _ := fetch.New(fetch.Config{Allow: []string{"127.0.0.1/32"}})
	p := linkpreview.New(f, linkpreview.Config{})
	for b.Loop() {
		if _, err := p.Preview(context.Background(), srv.URL+"/"); err != nil {
			b.Fatal(err)
		}
	}
}
