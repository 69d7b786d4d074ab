package linkpreview

import (
	"context"
	"errors"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/opengraph"
	"github.com/wabridge/wabridge/internal/werr"
)

// Config is what a Previewer needs besides its fetcher.
type Config struct {
	// Timeout bounds one preview, page and image together. Default 8 s.
	Timeout time.Duration
	// MaxPage is how much of a page is read (its head is what counts).
	// Default 512 KiB.
	MaxPage int64
	// MaxImage bounds the preview image's bytes. Default 4 MiB.
	MaxImage int64
	// MaxPixels bounds the preview image's width × height before it is
	// decoded. Default 16 million.
	MaxPixels int
	// ThumbnailSize is the longest side of the thumbnail. Default 192.
	ThumbnailSize int
}

func (c *Config) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = 8 * time.Second
	}
	if c.MaxPage <= 0 {
		c.MaxPage = 512 << 10
	}
	if c.MaxImage <= 0 {
		c.MaxImage = 4 << 20
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = 16_000_000
	}
	if c.ThumbnailSize <= 0 {
		c.ThumbnailSize = 192
	}
}

// Previewer builds link previews. It is safe for concurrent use.
type Previewer struct {
	cfg   Config
	fetch *fetch.Fetcher
}

// New returns a Previewer fetching through f.
func New(f *fetch.Fetcher, cfg Config) *Previewer {
	cfg.setDefaults()
	return &Previewer{cfg: cfg, fetch: f}
}

// Preview is what WhatsApp shows under a link.
type Preview struct {
	Title       string
	Description string
	// Thumbnail is a JPEG of at most ThumbnailSize pixels a side; nil when
	// the page names no image or it could not be had (see ImageError).
	Thumbnail                       []byte
	ThumbnailWidth, ThumbnailHeight int
	// ImageError says why a named image gave no thumbnail.
	ImageError string
}

// Preview fetches link and its image. The page failing is an error (the
// fetcher's URL_NOT_ALLOWED or FETCH_FAILED, or UNSUPPORTED_MEDIA for what
// is no HTML page); the image failing only leaves the thumbnail out.
func (p *Previewer) Preview(ctx context.Context, link string) (Preview, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	page, err := p.fetch.Fetch(ctx, fetch.Request{URL: link, MaxBytes: p.cfg.MaxPage, Truncate: true, Accept: "text/html,application/xhtml+xml"})
	if err != nil {
		return Preview{}, err
	}
	if !isHTML(page.ContentType) {
		return Preview{}, werr.New(werr.KindUnsupported, werr.CodeUnsupportedMedia, "%s is no HTML page (%s)", link, page.ContentType)
	}
	meta := opengraph.Parse(page.Body, page.URL)
	if meta.Title == "" && meta.Description == "" && meta.Image == "" {
		return Preview{}, werr.New(werr.KindUnsupported, werr.CodeUnsupportedMedia, "%s has no title, description or image", link)
	}
	out := Preview{Title: meta.Title, Description: meta.Description}
	if meta.Image != "" {
		if err := p.thumbnail(ctx, meta.Image, &out); err != nil {
			out.ImageError = werr.From(err).Message
		}
	}
	return out, nil
}

func (p *Previewer) thumbnail(ctx context.Context, imageURL string, out *Preview) error {
	img, err := p.fetch.Fetch(ctx, fetch.Request{URL: imageURL, MaxBytes: p.cfg.MaxImage, Accept: "image/*"})
	if err != nil {
		return err
	}
	t, err := thumbnail(img.Body, p.cfg.MaxPixels, p.cfg.ThumbnailSize)
	if err != nil {
		return werr.Wrap(err, werr.KindUnsupported, werr.CodeUnsupportedMedia, "the preview image %s cannot be read", clip(imageURL))
	}
	out.Thumbnail, out.ThumbnailWidth, out.ThumbnailHeight = t.jpeg, t.width, t.height
	return nil
}

// isHTML accepts HTML and a missing type (servers that send none).
func isHTML(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
}

func clip(s string) string {
	if u, err := url.Parse(s); err == nil && len(s) > 120 {
		return u.Scheme + "://" + u.Host + "/…"
	}
	return s
}

// errNoImage is thumbnail's error for an empty body.
var errNoImage = errors.New("empty image")
