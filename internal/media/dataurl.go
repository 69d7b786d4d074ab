package media

import (
	"encoding/base64"
	"io"
	"mime"
	"strings"

	"github.com/wabridge/wabridge/internal/werr"
)

// DataURL is a parsed data: URL (RFC 2397) whose body is decoded while read.
type DataURL struct {
	Mimetype string    // as declared, "" when the URL names none
	Body     io.Reader // streaming base64 decoder; malformed input fails on Read
}

// ParseDataURL parses "data:[<mediatype>][;base64],<data>". Only base64 bodies
// are media; the decoder forgives what browsers forgive (ASCII whitespace
// anywhere, missing padding) and the URL-safe alphabet too. The header is
// checked here; the body only as it is read, so a truncated body fails there.
// Every failure is INVALID_PAYLOAD.
func ParseDataURL(s string) (DataURL, error) {
	const scheme = "data:"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return DataURL{}, invalidDataURL("it does not start with data:")
	}
	header, body, ok := strings.Cut(s[len(scheme):], ",")
	if !ok {
		return DataURL{}, invalidDataURL("it has no comma before the data")
	}
	mt, isBase64 := cutSuffixFold(strings.TrimRight(header, " \t"), ";base64")
	if !isBase64 {
		return DataURL{}, invalidDataURL("only ;base64 data: URLs carry media")
	}
	mimetype, err := dataURLMimetype(mt)
	if err != nil {
		return DataURL{}, err
	}
	return DataURL{Mimetype: mimetype, Body: newBase64Reader(strings.NewReader(body))}, nil
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// dataURLMimetype normalises the declared media type; "" stays "" so the
// content is sniffed instead of RFC 2397's text/plain default being believed.
func dataURLMimetype(mt string) (string, error) {
	mt = strings.TrimSpace(mt)
	if mt == "" || strings.HasPrefix(mt, ";") {
		return "", nil
	}
	t, params, err := mime.ParseMediaType(mt)
	if err != nil || !strings.Contains(t, "/") {
		return "", invalidDataURL("its media type %q is malformed", mt)
	}
	return mime.FormatMediaType(t, params), nil
}

func invalidDataURL(format string, args ...any) error {
	return werr.Invalid(werr.CodeInvalidPayload, "invalid data: URL: "+format, args...)
}

// newBase64Reader decodes base64 as it is read. The filter drops whitespace,
// maps the URL-safe alphabet onto the standard one and strips up to two
// trailing '=' so the unpadded decoder sees one canonical alphabet.
func newBase64Reader(r io.Reader) io.Reader {
	return &base64Reader{dec: base64.NewDecoder(base64.RawStdEncoding, &base64Filter{r: r})}
}

type base64Reader struct{ dec io.Reader }

func (b *base64Reader) Read(p []byte) (int, error) {
	n, err := b.dec.Read(p)
	if err != nil && err != io.EOF {
		if _, ok := err.(*werr.Error); !ok {
			err = werr.Wrap(err, werr.KindInvalid, werr.CodeInvalidPayload,
				"invalid data: URL: its base64 body is malformed or truncated")
		}
	}
	return n, err
}

type base64Filter struct {
	r       io.Reader
	padding int // '=' seen; after the first only whitespace and '=' may follow
	buf     [4096]byte
}

func (f *base64Filter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(f.buf[:min(len(p), len(f.buf))])
		out, ferr := f.filter(f.buf[:n], p)
		if ferr != nil {
			return out, ferr
		}
		if out > 0 || err != nil {
			return out, err
		}
	}
}

func (f *base64Filter) filter(in, p []byte) (int, error) {
	out := 0
	for _, c := range in {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			continue
		case c == '=':
			if f.padding++; f.padding > 2 {
				return out, invalidDataURL("its base64 body has more than two '=' of padding")
			}
			continue
		case f.padding > 0:
			return out, invalidDataURL("its base64 body continues after '=' padding")
		case c == '-':
			c = '+'
		case c == '_':
			c = '/'
		}
		p[out] = c
		out++
	}
	return out, nil
}
