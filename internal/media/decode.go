package media

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	xwebp "golang.org/x/image/webp"
)

// maxPixels bounds what is decoded: a small file can declare a huge canvas
// (a decompression bomb), and 50 megapixels is beyond any phone camera.
const maxPixels = 50_000_000

// maxDecodedBytes bounds the memory of a decoded image: such a photo in
// RGBA. Pixels alone would let a 16-bit PNG of as many pixels take twice it.
const maxDecodedBytes = 4 * maxPixels

// imageCodec decodes one sniffed format; chosen by the sniffed type, not by
// image.Decode's global registry, so the answer never depends on imports.
type imageCodec struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
}

var imageCodecs = map[string]imageCodec{
	"image/jpeg": {jpeg.Decode, jpeg.DecodeConfig},
	"image/png":  {png.Decode, png.DecodeConfig},
	"image/gif":  {gif.Decode, gif.DecodeConfig},
	"image/webp": {xwebp.Decode, xwebp.DecodeConfig},
}

// decoded is an image as stored and the EXIF orientation it is shown in:
// applied to what is made of it (the thumbnail, a scaled copy), not to the
// decoded photo, whose turned copy would cost another full-size image.
type decoded struct {
	img    image.Image
	orient orientation
}

// size is the image's size as shown.
func (d decoded) size() (int, int) {
	b := d.img.Bounds()
	if d.orient.transposes() {
		return b.Dy(), b.Dx()
	}
	return b.Dx(), b.Dy()
}

// fit is the image as shown with its longest side at most max.
func (d decoded) fit(max int) image.Image {
	return d.orient.apply(scaleToFit(d.img, max))
}

// decodeImage decodes the blob as the image its content says it is: content
// of another type, a corrupt file or an absurd canvas is UNSUPPORTED_MEDIA.
// A JPEG's EXIF orientation is read, not applied (see decoded).
func decodeImage(in *Blob) (decoded, string, error) {
	img, mt, err := decodeStored(in)
	if err != nil || mt != "image/jpeg" {
		return decoded{img: img}, mt, err
	}
	head, err := readAtMost(in, exifHead)
	if err != nil {
		return decoded{}, "", err
	}
	return decoded{img: img, orient: exifOrientation(head)}, mt, nil
}

// decodeStored decodes the blob's pixels as they are stored.
func decodeStored(in *Blob) (image.Image, string, error) {
	mt := baseType(in.Mimetype)
	codec, ok := imageCodecs[mt]
	if !ok {
		return nil, "", unsupported("the content is %s, not a JPEG, PNG, GIF or WebP image", in.Mimetype)
	}
	cfg, err := withFile(in, codec.decodeConfig)
	if err != nil {
		return nil, "", unsupportedCause(err, "the %s image is corrupt", mt)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, "", unsupported("the image is %d×%d pixels; at most %d pixels are accepted", cfg.Width, cfg.Height, maxPixels)
	}
	if bpp := bytesPerPixel(cfg.ColorModel); int64(cfg.Width)*int64(cfg.Height)*bpp > maxDecodedBytes {
		return nil, "", unsupported("the image is %d×%d pixels of %d bytes; at most %d bytes are decoded", cfg.Width, cfg.Height, bpp, maxDecodedBytes)
	}
	img, err := withFile(in, codec.decode)
	if err != nil {
		return nil, "", unsupportedCause(err, "the %s image is corrupt", mt)
	}
	return img, mt, nil
}

// bytesPerPixel is what the decoder of an image of colour model m keeps per
// pixel (YCbCr at its fullest, 4:4:4); a model not known here counts as
// the widest, 16-bit RGBA.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

func withFile[T any](in *Blob, fn func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := in.Open()
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := fn(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return zero, fmt.Errorf("decoding: %w", err)
	}
	return v, nil
}
