package linkpreview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	// What pages name as og:image: the decoders image.Decode knows.
	_ "image/gif"
	_ "image/png"
)

type thumb struct {
	jpeg          []byte
	width, height int
}

// thumbnail decodes data (JPEG, PNG or GIF) after checking its size
// against maxPixels (a small file can declare a huge image), scales it to
// fit size×size and encodes it as JPEG.
func thumbnail(data []byte, maxPixels, size int) (thumb, error) {
	if len(data) == 0 {
		return thumb{}, errNoImage
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return thumb{}, fmt.Errorf("reading the image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPixels/max(cfg.Height, 1) {
		return thumb{}, fmt.Errorf("image of %d×%d pixels is over the bound of %d", cfg.Width, cfg.Height, maxPixels)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return thumb{}, fmt.Errorf("decoding the image: %w", err)
	}
	dst := scale(src, size)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 75}); err != nil {
		return thumb{}, fmt.Errorf("encoding the thumbnail: %w", err)
	}
	b := dst.Bounds()
	return thumb{jpeg: buf.Bytes(), width: b.Dx(), height: b.Dy()}, nil
}

// scale fits src into size×size keeping its aspect ratio (never
// enlarging), averaging a 4×4 grid of source samples per pixel: good
// enough for a thumbnail, and its cost is bounded by the thumbnail's size,
// not the source's.
func scale(src image.Image, size int) *image.RGBA {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	if w > size || h > size {
		if w >= h {
			w, h = size, max(1, h*size/w)
		} else {
			w, h = max(1, w*size/h), size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	const n = 4
	for y := range h {
		for x := range w {
			var r, g, b, a uint32
			for sy := range n {
				for sx := range n {
					px := sb.Min.X + (x*n+sx)*sb.Dx()/(w*n)
					py := sb.Min.Y + (y*n+sy)*sb.Dy()/(h*n)
					cr, cg, cb, ca := src.At(px, py).RGBA()
					r, g, b, a = r+cr, g+cg, b+cb, a+ca
				}
			}
			// Transparent areas over white, as a chat bubble shows them.
			const k = n * n
			dst.Set(x, y, overWhite(r/k, g/k, b/k, a/k))
		}
	}
	return dst
}

func overWhite(r, g, b, a uint32) color.RGBA {
	bg := 0xffff - a
	return color.RGBA{R: uint8((r + bg) >> 8), G: uint8((g + bg) >> 8), B: uint8((b + bg) >> 8), A: 0xff}
}
