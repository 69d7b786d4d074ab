package media

import (
	"encoding/binary"
	"image"

	"github.com/disintegration/imaging"
)

// orientation is a JPEG's EXIF Orientation (1..8, TIFF tag 0x0112): how the
// stored pixels are turned to be shown. Phones write it instead of rotating
// the pixels; 0 is none given, shown as stored like 1.
type orientation uint8

// exifHead is how much of a JPEG's start is searched for the orientation:
// an APP1 segment is at most 64 KiB and comes first, after a small JFIF APP0.
const exifHead = 128 << 10

// exifOrientation reads the orientation from the EXIF APP1 segment in head,
// a JPEG's first bytes. Anything it cannot follow is no orientation (the
// photo shown as stored), as imaging's reader answers.
func exifOrientation(head []byte) orientation {
	if len(head) < 4 || head[0] != 0xff || head[1] != 0xd8 {
		return 0
	}
	for p := 2; p+4 <= len(head); {
		marker, size := head[p:p+2], int(binary.BigEndian.Uint16(head[p+2:]))
		if marker[0] != 0xff || size < 2 || marker[1] == 0xda { // scan data: no EXIF after it
			return 0
		}
		end := p + 2 + size
		if marker[1] == 0xe1 && end <= len(head) {
			if o := tiffOrientation(head[p+4 : end]); o != 0 {
				return o
			}
		}
		p = end
	}
	return 0
}

// tiffOrientation reads tag 0x0112 of IFD0 in an APP1 payload
// ("Exif\0\0" and a TIFF structure); 0 when it is not there or not 1..8.
func tiffOrientation(seg []byte) orientation {
	if len(seg) < 14 || string(seg[:6]) != "Exif\x00\x00" {
		return 0
	}
	tiff := seg[6:]
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(bo.Uint32(tiff[4:8]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 0
	}
	n := int(bo.Uint16(tiff[ifd:]))
	for i, e := 0, int(ifd)+2; i < n && e+12 <= len(tiff); i, e = i+1, e+12 {
		if bo.Uint16(tiff[e:]) != 0x0112 {
			continue
		}
		// A SHORT's value sits in the first two bytes of the value field.
		if v := bo.Uint16(tiff[e+8:]); v >= 1 && v <= 8 {
			return orientation(v)
		}
		return 0
	}
	return 0
}

// transposes reports whether o swaps width and height (5..8 turn by 90°).
func (o orientation) transposes() bool { return o >= 5 && o <= 8 }

// apply turns img as o says, so that it is the photo as shown. Turning the
// small results (thumbnail, compressed copy) rather than the decoded photo
// spares a full-size copy.
func (o orientation) apply(img image.Image) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
