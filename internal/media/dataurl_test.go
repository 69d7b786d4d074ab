package media_test

import (
	"io"
	"testing"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestParseDataURLDecodesAsBrowsersForgive(t *testing.T) {
	cases := []struct{ in, mimetype, body string }{
		{"data:image/png;base64,aGVsbG8gd29ybGQ=", "image/png", "hello world"},
		{"DATA:Image/PNG;BASE64,aGVsbG8gd29ybGQ", "image/png", "hello world"},
		{"data:;base64,aGk=", "", "hi"},
		{"data:text/plain;charset=UTF-8;base64,aGk=", "text/plain; charset=UTF-8", "hi"},
		{"data:application/pdf;base64,aGVs\r\nbG8g d29y\tbGQ=\n", "application/pdf", "hello world"},
		{"data:application/octet-stream;base64,-_8=", "application/octet-stream", "\xfb\xff"},
		{"data:application/octet-stream;base64,+/8=", "application/octet-stream", "\xfb\xff"},
		{"data:application/octet-stream;base64,", "application/octet-stream", ""},
	}
	for _, c := range cases {
		u, err := media.ParseDataURL(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		body, err := io.ReadAll(u.Body)
		if err != nil || u.Mimetype != c.mimetype || string(body) != c.body {
			t.Errorf("%q: mimetype %q body %q err %v; want %q %q", c.in, u.Mimetype, body, err, c.mimetype, c.body)
		}
	}
}

func TestParseDataURLRefusesMalformedHeaders(t *testing.T) {
	for _, in := range []string{
		"", "http://example.com/a.png", "data:image/png,plain", "data:image/png;base64",
		"data:image png;base64,aGk=", "data:image/;base64,aGk=", "dat:image/png;base64,aGk=",
	} {
		_, err := media.ParseDataURL(in)
		if werr.From(err).Code != werr.CodeInvalidPayload {
			t.Errorf("%q: want INVALID_PAYLOAD, got %v", in, err)
		}
	}
}

func TestDataURLBodyFailsOnBadBase64WhenRead(t *testing.T) {
	for _, body := range []string{
		"aGVsbG8gd29ybGQ=x", // data after padding
		"aGk===",            // too much padding
		"aGVsbG8*d29y",      // not in either alphabet
		"aGVsbG8gd29ybGQxA", // truncated: one character of a quantum
	} {
		u, err := media.ParseDataURL("data:image/png;base64," + body)
		if err != nil {
			t.Fatalf("%q: the header is fine, got %v", body, err)
		}
		_, err = io.ReadAll(u.Body)
		if we := werr.From(err); we.Code != werr.CodeInvalidPayload || we.Kind != werr.KindInvalid {
			t.Errorf("%q: want INVALID_PAYLOAD on read, got %v", body, err)
		}
	}
}
