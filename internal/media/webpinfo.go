package media

import (
	"encoding/binary"
	"errors"
)

// webpInfo is what a WebP file's RIFF chunks say about it, read without
// decoding: animation is a VP8X flag, its frames are ANMF chunks.
type webpInfo struct {
	Width, Height int
	Animated      bool
	Frames        int
	DurationMS    int
}

var errNotWebP = errors.New("not a WebP RIFF container")

// parseWebP walks the chunks of a WebP file. For a still image only the
// dimensions of VP8X are taken; VP8 and VP8L still images are left to the
// decoder (Width, Height 0). whole says data is the whole file; otherwise it
// is the file's head, and a chunk running past its end ends the walk (the
// VP8X flags come first, so whether the file is animated is known).
func parseWebP(data []byte, whole bool) (webpInfo, error) {
	var info webpInfo
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return info, errNotWebP
	}
	for off := 12; off+8 <= len(data); {
		fourcc := string(data[off : off+4])
		size := int(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		payload := data[off+8:]
		if size > len(payload) {
			if !whole {
				return info, nil
			}
			return info, errors.New("WebP chunk runs past the end of the file")
		}
		payload = payload[:size]
		switch fourcc {
		case "VP8X":
			if size < 10 {
				return info, errors.New("WebP VP8X chunk too short")
			}
			info.Animated = payload[0]&0x02 != 0
			info.Width = int(uint24(payload[4:7])) + 1
			info.Height = int(uint24(payload[7:10])) + 1
		case "ANMF":
			if size < 16 {
				return info, errors.New("WebP ANMF chunk too short")
			}
			info.Frames++
			info.DurationMS += int(uint24(payload[12:15]))
		}
		off += 8 + size + size&1
	}
	return info, nil
}

func uint24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }
