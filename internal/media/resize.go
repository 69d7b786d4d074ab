package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"github.com/disintegration/imaging"
	"golang.org/x/image/draw"
)

// fit returns w×h scaled so that the longest side is at most max, keeping the
// aspect ratio (never upscaling, never below 1 px).
func fit(w, h, max int) (int, int) {
	if w <= max && h <= max {
		return w, h
	}
	if w >= h {
		return max, maxInt(1, (h*max+w/2)/w)
	}
	return maxInt(1, (w*max+h/2)/h), max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// scale resizes img to w×h with imaging's separable linear filter, which
// widens when shrinking (smooth large downscales) and needs only a w×srcH
// 8-bit intermediate: x/image/draw's kernels hold w×srcH float64 quads,
// 150 MB for a 12-megapixel photo. A large reduction (a thumbnail) first
// box-averages the image by an integer factor to about twice the target,
// so the filter, which converts every pixel it reads, reads few.
func scale(img image.Image, w, h int) *image.NRGBA {
	b := img.Bounds()
	if small, ok := boxShrink(img, shrinkFactor(b.Dx(), b.Dy(), w, h)); ok {
		img = small
	}
	return imaging.Resize(img, w, h, imaging.Linear)
}

// scaleToFit shrinks img so its longest side is at most max; an image that
// fits already is returned as it is.
func scaleToFit(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := fit(b.Dx(), b.Dy(), max)
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	return scale(img, w, h)
}

// flatten puts an image with transparency onto white: JPEG has no alpha, and
// Go's encoder would turn transparent pixels black. It answers the types the
// encoder has fast paths for (YCbCr, RGBA): others cost an allocation per
// pixel there.
func flatten(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr, *image.RGBA:
		if m.(interface{ Opaque() bool }).Opaque() {
			return img
		}
	case *image.NRGBA:
		if m.Opaque() {
			// Opaque NRGBA pixels are their own premultiplied values.
			return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, flatten(img), &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encoding JPEG: %w", err)
	}
	return buf.Bytes(), nil
}

// thumbMax is the longest side of the JPEG thumbnail WhatsApp's clients embed
// in image and video messages.
const thumbMax = 72

// thumbnail is the small JPEG shown before the media is downloaded.
func thumbnail(d decoded) ([]byte, uint32, uint32, error) {
	t := d.fit(thumbMax)
	data, err := encodeJPEG(t, 60)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("making thumbnail: %w", err)
	}
	b := t.Bounds()
	return data, uint32(b.Dx()), uint32(b.Dy()), nil
}
