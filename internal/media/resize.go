package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

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

// scale resizes img to w×h. BiLinear in x/image/draw widens its kernel when
// shrinking, so large downscales are smooth and still fast.
func scale(img image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
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
// Go's encoder would turn transparent pixels black.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
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
func thumbnail(img image.Image) ([]byte, uint32, uint32, error) {
	t := scaleToFit(img, thumbMax)
	data, err := encodeJPEG(t, 60)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("making thumbnail: %w", err)
	}
	b := t.Bounds()
	return data, uint32(b.Dx()), uint32(b.Dy()), nil
}
