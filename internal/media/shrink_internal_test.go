package media

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// photoLike is a w×h image with what photos have: smooth gradients, edges
// at several scales and a little sensor noise.
func photoLike(w, h int) *image.NRGBA {
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 128 + 90*math.Sin(6*fx+2*fy)
			g := 128 + 80*math.Cos(9*fy-3*fx)
			b := 40 + 150*fx*fy
			if (x/37+y/53)%2 == 0 { // hard edges, like objects
				r, b = b, r
			}
			n := rng.Float64()*16 - 8
			img.SetNRGBA(x, y, color.NRGBA{clamp8(r + n), clamp8(g + n), clamp8(b + n), 255})
		}
	}
	return img
}

func clamp8(v float64) uint8 { return uint8(max(0, min(255, math.Round(v)))) }

// toYCbCr converts img to planes of the given subsampling, as a JPEG
// decoder would give them (chroma of the block's top-left sample).
func toYCbCr(img image.Image, r image.YCbCrSubsampleRatio) *image.YCbCr {
	b := img.Bounds()
	m := image.NewYCbCr(b, r)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			m.Y[m.YOffset(x, y)] = yy
			m.Cb[m.COffset(x, y)] = cb
			m.Cr[m.COffset(x, y)] = cr
		}
	}
	return m
}

// mad is the mean absolute difference per channel of two images of one size.
func mad(t *testing.T, a, b image.Image) [4]float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v and %v", a.Bounds(), b.Bounds())
	}
	na, nb := imaging.Clone(a), imaging.Clone(b)
	var sum [4]float64
	for i := range na.Pix {
		sum[i%4] += math.Abs(float64(na.Pix[i]) - float64(nb.Pix[i]))
	}
	n := float64(len(na.Pix) / 4)
	return [4]float64{sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n}
}

// wantClose fails when the box-then-filter scale of img differs from the
// filter over the whole image by more than maxMAD per channel on average.
func wantClose(t *testing.T, img image.Image, tw, th int, maxMAD float64) {
	t.Helper()
	got := scale(img, tw, th)
	want := imaging.Resize(img, tw, th, imaging.Linear)
	d := mad(t, got, want)
	for c, v := range d {
		if v > maxMAD {
			t.Fatalf("%T %v → %d×%d: channel %d differs by %.2f on average (all: %.2f), want ≤ %.1f",
				img, img.Bounds().Size(), tw, th, c, v, d, maxMAD)
		}
	}
	t.Logf("%T %v → %d×%d: MAD %.2f", img, img.Bounds().Size(), tw, th, d)
}

func TestShrinkThumbnailMatchesFilterOverWholeImage(t *testing.T) {
	for _, size := range [][2]int{{1001, 777}, {733, 1999}, {1600, 1200}, {4000, 290}} {
		src := photoLike(size[0], size[1])
		tw, th := fit(size[0], size[1], thumbMax)
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, r := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422,
				image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
				wantClose(t, toYCbCr(src, r), tw, th, 2.0)
			}
			wantClose(t, src, tw, th, 2.0)
			wantClose(t, imaging.Grayscale(src), tw, th, 2.0)
			gray := image.NewGray(src.Rect)
			for i := range gray.Pix {
				gray.Pix[i] = src.Pix[4*i+1]
			}
			wantClose(t, gray, tw, th, 2.0)
			rgba := image.NewRGBA(src.Rect)
			copy(rgba.Pix, src.Pix)
			wantClose(t, rgba, tw, th, 2.0)
		})
	}
}

// A part of a decoded photo (the group photo's centre square) is averaged
// from its own pixels, wherever its origin is.
func TestShrinkSubImage(t *testing.T) {
	src := toYCbCr(photoLike(1203, 901), image.YCbCrSubsampleRatio420)
	sq := src.SubImage(image.Rect(151, 1, 1052, 902))
	wantClose(t, sq, 72, 72, 2.0)
}

// Transparency: colours count by their alpha, as the filter counts them.
func TestShrinkStraightAlpha(t *testing.T) {
	src := photoLike(900, 600)
	for y := range 600 {
		for x := range 900 {
			if (x/10+y/10)%3 == 0 {
				src.Pix[src.PixOffset(x, y)+3] = 0
			} else if x%2 == 0 {
				src.Pix[src.PixOffset(x, y)+3] = 128
			}
		}
	}
	wantClose(t, src, 72, 48, 2.0)
	all := image.NewNRGBA(image.Rect(0, 0, 300, 300)) // all transparent
	if got := scale(all, 20, 20); got.Pix[3] != 0 {
		t.Fatalf("a transparent image shrank to alpha %d", got.Pix[3])
	}
}

// Real JPEGs: what Go's encoder writes (4:2:0, grey) decoded and thumbnailed
// through decodeImage, against the filter over the decoded photo.
func TestShrinkDecodedJPEGs(t *testing.T) {
	src := photoLike(1279, 853)
	for name, img := range map[string]image.Image{"colour": src, "grey": imaging.Grayscale(src)} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		dec, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { wantClose(t, dec, 72, 48, 2.0) })
	}
}

// The factor leaves at least twice the target on each side.
func TestShrinkFactor(t *testing.T) {
	for _, c := range []struct{ w, h, tw, th, want int }{
		{2341, 1756, 72, 54, 8}, {4000, 3000, 1600, 1200, 1}, {143, 100, 72, 50, 1},
		{144, 100, 72, 50, 1}, {600, 400, 72, 48, 2}, {300, 200, 72, 48, 1}, {4000, 3, 72, 1, 1}, {10, 10, 0, 0, 1},
	} {
		if got := shrinkFactor(c.w, c.h, c.tw, c.th); got != c.want {
			t.Errorf("shrinkFactor(%d, %d, %d, %d) = %d, want %d", c.w, c.h, c.tw, c.th, got, c.want)
		}
	}
}

// The thumbnail of the bench's decoded photo alone: the filter over the
// whole image against the box average first.
func BenchmarkThumbnailScale(b *testing.B) {
	img := toYCbCr(photoLike(2341, 1756), image.YCbCrSubsampleRatio420)
	tw, th := fit(2341, 1756, thumbMax)
	b.Run("filter-whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			imaging.Resize(img, tw, th, imaging.Linear)
		}
	})
	b.Run("box-then-filter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scale(img, tw, th)
		}
	})
}
