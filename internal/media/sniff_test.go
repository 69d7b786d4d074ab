package media_test

import (
	"testing"

	"github.com/wabridge/wabridge/internal/media"
)

func TestSniff(t *testing.T) {
	cases := map[string][]byte{
		"image/png":                 {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
		"image/jpeg":                {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0},
		"image/gif":                 []byte("GIF89a\x01\x00\x01\x00"),
		"image/webp":                []byte("RIFF\x24\x00\x00\x00WEBPVP8 "),
		"application/pdf":           []byte("%PDF-1.4\n"),
		"application/ogg":           []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"),
		"text/plain; charset=utf-8": []byte("hello, world\n"),
		"application/octet-stream":  {0x00, 0x01, 0x02, 0xfe},
	}
	for want, head := range cases {
		if got := media.Sniff(head); got != want {
			t.Errorf("%q: sniffed %q, want %q", head, got, want)
		}
	}
}
