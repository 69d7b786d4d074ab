package media

import (
	"image"
	"image/color"
	"slices"
)

// shrinkFactor is the integer factor by which a w×h image is box-averaged
// before the filtered resize to tw×th: the largest that leaves at least
// four times the target's pixels on each side. The box widens the filter's
// footprint by the factor; at a quarter of the whole reduction the result
// stays within a level or two of the filter over the full image, and the
// filter's work on what is left is small. Below 2 there is nothing to gain.
func shrinkFactor(w, h, tw, th int) int {
	if tw <= 0 || th <= 0 {
		return 1
	}
	return max(1, min(w/(4*tw), h/(4*th)))
}

// boxShrink averages img over blocks of about f×f straight from the
// decoder's planes, for the types decoders give: converting every pixel of
// a full-size photo to NRGBA for the filter was most of a thumbnail's cost.
// Blocks are f or f+1 wide so that they tile the image exactly: a short
// last block would shift what the filter reads of the edge by up to half
// a block. ok is false for other types, which the filter then takes whole.
func boxShrink(img image.Image, f int) (image.Image, bool) {
	if f < 2 {
		return img, false
	}
	switch m := img.(type) {
	case *image.YCbCr:
		return shrinkYCbCr(m, f), true
	case *image.Gray:
		xs, ys := tile(m.Rect.Dx(), f), tile(m.Rect.Dy(), f)
		return greyNRGBA(planeMeans(m.Pix, m.Stride, xs, ys), len(xs), len(ys)), true
	case *image.RGBA:
		// Premultiplied: a plain average is the right one.
		s := shrinkPlanes(m.Rect, f, m.Pix, m.Stride, false)
		return &image.RGBA{Pix: s.Pix, Stride: s.Stride, Rect: s.Rect}, true
	case *image.NRGBA:
		return shrinkPlanes(m.Rect, f, m.Pix, m.Stride, true), true
	}
	return img, false
}

// span is a block's run of samples along one side, [lo, hi).
type span struct{ lo, hi int }

// tile splits n samples into n/f spans (at least one) of f or f+1.
func tile(n, f int) []span {
	o := max(1, n/f)
	s := make([]span, o)
	for i := range s {
		s[i] = span{(i*n + o - 1) / o, ((i+1)*n + o - 1) / o}
	}
	return s
}

// planeMeans is the mean of one 8-bit plane over each block, row by row.
func planeMeans(pix []uint8, stride int, xs, ys []span) []uint8 {
	out := make([]uint8, len(xs)*len(ys))
	sums := make([]uint64, len(xs))
	for oy, sy := range ys {
		clear(sums)
		for y := sy.lo; y < sy.hi; y++ {
			row := pix[y*stride:]
			for ox, sx := range xs {
				var s uint32 // at most a block's row: (f+1)·255
				for _, v := range row[sx.lo:sx.hi] {
					s += uint32(v)
				}
				sums[ox] += uint64(s)
			}
		}
		n := uint64(sy.hi - sy.lo)
		for ox, sx := range xs {
			out[oy*len(xs)+ox] = avg(sums[ox], n*uint64(sx.hi-sx.lo))
		}
	}
	return out
}

// shrinkYCbCr averages luma and chroma over each block, every luma sample
// counting the chroma sample it uses (exact for any subsampling and any
// block edge), and converts the averages to RGB: the conversion is affine,
// so this is the average of the block's colours but for the clamping of
// out-of-gamut samples.
func shrinkYCbCr(m *image.YCbCr, f int) *image.NRGBA {
	b := m.Rect
	xs, ys := tile(b.Dx(), f), tile(b.Dy(), f)
	// COffset is a row part plus a column part for every subsampling ratio.
	base := m.COffset(b.Min.X, b.Min.Y)
	col := make([]int, b.Dx())
	for x := range col {
		col[x] = m.COffset(b.Min.X+x, b.Min.Y) - base
	}
	dst := image.NewNRGBA(image.Rect(0, 0, len(xs), len(ys)))
	sums := make([]uint64, 3*len(xs))
	for oy, sy := range ys {
		clear(sums)
		for y := b.Min.Y + sy.lo; y < b.Min.Y+sy.hi; y++ {
			yr := m.Y[m.YOffset(b.Min.X, y):]
			c := m.COffset(b.Min.X, y)
			cbr, crr := m.Cb[c:], m.Cr[c:]
			for ox, sx := range xs {
				var a, c1, c2 uint32 // at most a block's row: (f+1)·255
				for x := sx.lo; x < sx.hi; x++ {
					a += uint32(yr[x])
					c1 += uint32(cbr[col[x]])
					c2 += uint32(crr[col[x]])
				}
				s := sums[3*ox : 3*ox+3]
				s[0] += uint64(a)
				s[1] += uint64(c1)
				s[2] += uint64(c2)
			}
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox, sx := range xs {
			n := uint64((sy.hi - sy.lo) * (sx.hi - sx.lo))
			s := sums[3*ox : 3*ox+3]
			r, g, bb := color.YCbCrToRGB(avg(s[0], n), avg(s[1], n), avg(s[2], n))
			copy(row[4*ox:4*ox+4], []uint8{r, g, bb, 0xff})
		}
	}
	return dst
}

// greyNRGBA spreads ow×oh grey levels to an opaque NRGBA.
func greyNRGBA(v []uint8, ow, oh int) *image.NRGBA {
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	for i, g := range v {
		copy(dst.Pix[4*i:4*i+4], []uint8{g, g, g, 0xff})
	}
	return dst
}

// shrinkPlanes averages 8-bit RGBA or NRGBA samples into an NRGBA. With
// straight alpha the colours are weighted by it, as the filter weighs them,
// so transparent pixels' colour does not bleed.
func shrinkPlanes(r image.Rectangle, f int, pix []uint8, stride int, straight bool) *image.NRGBA {
	xs, ys := tile(r.Dx(), f), tile(r.Dy(), f)
	dst := image.NewNRGBA(image.Rect(0, 0, len(xs), len(ys)))
	sums := make([]uint64, 4*len(xs))
	for oy, sy := range ys {
		clear(sums)
		for y := sy.lo; y < sy.hi; y++ {
			addRow(sums, pix[y*stride:], xs, straight)
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox, sx := range xs {
			n := uint64((sy.hi - sy.lo) * (sx.hi - sx.lo))
			s := sums[4*ox : 4*ox+4]
			out := row[4*ox : 4*ox+4]
			switch {
			case straight && s[3] == 0:
				copy(out, []uint8{0, 0, 0, 0})
			case straight:
				copy(out, []uint8{avg(s[0], s[3]), avg(s[1], s[3]), avg(s[2], s[3]), avg(s[3], n)})
			default:
				copy(out, []uint8{avg(s[0], n), avg(s[1], n), avg(s[2], n), avg(s[3], n)})
			}
		}
	}
	return dst
}

// addRow adds one source row of 4-byte pixels to its blocks' sums.
func addRow(sums []uint64, row []uint8, xs []span, straight bool) {
	for ox, sx := range xs {
		s := sums[4*ox : 4*ox+4]
		for p := range slices.Chunk(row[4*sx.lo:4*sx.hi], 4) {
			if straight {
				a := uint64(p[3])
				s[0] += uint64(p[0]) * a
				s[1] += uint64(p[1]) * a
				s[2] += uint64(p[2]) * a
				s[3] += a
				continue
			}
			s[0] += uint64(p[0])
			s[1] += uint64(p[1])
			s[2] += uint64(p[2])
			s[3] += uint64(p[3])
		}
	}
}

// avg is sum/n rounded, as a sample.
func avg(sum, n uint64) uint8 { return uint8((sum + n/2) / n) }
