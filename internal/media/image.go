package media

import (
	"bytes"
	"context"
	"image"

	"golang.org/x/image/draw"
)

const (
	// compressMax is the longest side of a compressed image, as WhatsApp's
	// own clients send photos.
	compressMax     = 1600
	compressQuality = 80
	groupPhotoMax   = 640
)

// prepareImage checks that the content is the image it claims to be, and
// adds dimensions and a thumbnail. JPEG and PNG are sent as they are unless
// Compress is set; GIF and WebP become JPEG, which every client shows as a
// photo (animated GIFs are videos on WhatsApp, not images).
func prepareImage(in *Blob, opt Options, cfg Config) (*Prepared, error) {
	if err := checkDeclared(in, opt.Mimetype); err != nil {
		return nil, err
	}
	d, mt, err := decodeImage(in)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Blob: in, Mimetype: mt}
	if opt.Compress || (mt != "image/jpeg" && mt != "image/png") {
		// The compressed copy is what the thumbnail is made of: a second
		// pass over the full-size photo would cost as much again.
		d = decoded{img: d.fit(compressMax)}
		data, err := encodeJPEG(d.img, compressQuality)
		if err != nil {
			return nil, err
		}
		if p.Blob, err = spoolBytes(data, cfg.TempDir); err != nil {
			return nil, err
		}
		p.Mimetype = "image/jpeg"
	}
	w, h := d.size()
	p.Width, p.Height = uint32(w), uint32(h)
	if p.Thumbnail, p.ThumbWidth, p.ThumbHeight, err = thumbnail(d); err != nil {
		if p.Blob != in {
			_ = p.Blob.Remove()
		}
		return nil, err
	}
	return p, nil
}

// checkDeclared refuses a declared mimetype the content contradicts (a PDF
// sent as image/png): the receiver would be told one thing and get another.
func checkDeclared(in *Blob, declared string) error {
	declared = declaredType(declared)
	if declared == "" || sniffedIs(in.Mimetype, declared) {
		return nil
	}
	return unsupported("the content is %s, not the declared %s", in.Mimetype, declared)
}

// GroupPhoto is a group's picture as WhatsApp keeps it: the image's centre
// square, at most 640×640, as JPEG.
func GroupPhoto(ctx context.Context, in *Blob, cfg Config) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, _, err := decodeImage(in)
	if err != nil {
		return nil, err
	}
	// The centre square turns into the centre square of the photo as shown.
	sq := decoded{img: centreSquare(d.img), orient: d.orient}
	return encodeJPEG(sq.fit(groupPhotoMax), 85)
}

func centreSquare(img image.Image) image.Image {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	x0 := b.Min.X + (b.Dx()-side)/2
	y0 := b.Min.Y + (b.Dy()-side)/2
	r := image.Rect(x0, y0, x0+side, y0+side)
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(image.Rect(0, 0, side, side))
	draw.Draw(dst, dst.Bounds(), img, r.Min, draw.Src)
	return dst
}

func spoolBytes(data []byte, dir string) (*Blob, error) {
	return Spool(bytes.NewReader(data), dir, int64(len(data))+1)
}
