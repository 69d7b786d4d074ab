package media_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// FuzzParseDataURL: any input either fails with INVALID_PAYLOAD or decodes;
// what decodes equals the standard decoder's answer on the cleaned body.
func FuzzParseDataURL(f *testing.F) {
	f.Add("data:image/png;base64,aGVsbG8=")
	f.Add("data:;base64,-_8")
	f.Add("data:text/plain,hi")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := media.ParseDataURL(s)
		if err != nil {
			if werr.From(err).Code != werr.CodeInvalidPayload {
				t.Fatalf("header error without INVALID_PAYLOAD: %v", err)
			}
			return
		}
		got, err := io.ReadAll(io.LimitReader(u.Body, 1<<20))
		if err != nil {
			if werr.From(err).Code != werr.CodeInvalidPayload {
				t.Fatalf("body error without INVALID_PAYLOAD: %v", err)
			}
			return
		}
		_, body, _ := strings.Cut(s, ",")
		clean := strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\t', '\n', '\r', '\f', '=':
				return -1
			case '-':
				return '+'
			case '_':
				return '/'
			}
			return r
		}, body)
		want, err := base64.RawStdEncoding.DecodeString(clean)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("decoded %x, the standard decoder says %x (%v)", got, want, err)
		}
	})
}

// FuzzSniff: sniffing never panics and always names a parseable type.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8X"))
	f.Fuzz(func(t *testing.T, head []byte) {
		m := media.Sniff(head)
		if !strings.Contains(m, "/") {
			t.Fatalf("sniffed %q", m)
		}
		if b, err := media.Spool(bytes.NewReader(head), t.TempDir(), int64(len(head))+1); err != nil || b.Mimetype != m {
			t.Fatalf("Spool sniffed %v, Sniff %q (%v)", b, m, err)
		}
	})
}
