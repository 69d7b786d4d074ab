package media

import (
	"bufio"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	xwebp "golang.org/x/image/webp"
)

// maxPixels bounds what is decoded: a small file can declare a huge canvas
// (a decompression bomb), and 50 megapixels is beyond any phone camera.
const maxPixels = 50_000_000

// imageCodec decodes one sniffed format; chosen by the sniffed type, not by
// image.Decode's global registry, so the answer never depends on imports.
type imageCodec struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
}

var imageCodecs = map[string]imageCodec{
	"image/jpeg": {decodeJPEGOriented, jpeg.DecodeConfig},
	"image/png":  {png.Decode, png.DecodeConfig},
	"image/gif":  {gif.Decode, gif.DecodeConfig},
	"image/webp": {xwebp.Decode, xwebp.DecodeConfig},
}

// decodeImage decodes the blob as the image its content says it is: content
// of another type, a corrupt file or an absurd canvas is UNSUPPORTED_MEDIA.
func decodeImage(in *Blob) (image.Image, string, error) {
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
	img, err := withFile(in, codec.decode)
	if err != nil {
		return nil, "", unsupportedCause(err, "the %s image is corrupt", mt)
	}
	return img, mt, nil
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

// decodeJPEGOriented applies the EXIF orientation phones write instead of
// rotating pixels: re-encoding drops EXIF, and the dimensions and thumbnail
// must be the photo as it is shown.
func decodeJPEGOriented(r io.Reader) (image.Image, error) {
	return imaging.Decode(r, imaging.AutoOrientation(true))
}
