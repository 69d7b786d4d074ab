package cenats

import (
	"errors"
	"strings"
	"unicode/utf8"
)

const upperHex = "0123456789ABCDEF"

// needsEscape reports whether b must be percent-encoded in a header value: the
// HTTP binding's rule (§3.1.3.2), which the NATS draft follows, keeps printable
// ASCII except space, '"' and '%'. Encoding the rest also keeps CR and LF out of
// NATS header lines.
func needsEscape(b byte) bool {
	return b <= ' ' || b >= 0x7f || b == '"' || b == '%'
}

// encodedLen is the length of percentEncode(s), computed without allocating.
func encodedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if needsEscape(s[i]) {
			n += 2
		}
	}
	return n
}

// percentEncode encodes s (UTF-8 already, as Go strings are) for a header value.
func percentEncode(s string) string {
	n := encodedLen(s)
	if n == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&0x0f])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

var (
	errBadEscape = errors.New("invalid percent-encoding")
	errBadUTF8   = errors.New("not valid UTF-8 after percent-decoding")
)

// percentDecode reverses percentEncode strictly: a '%' not followed by two hex
// digits is an error rather than a literal, so a sender that forgot to encode
// is told instead of silently misread. Raw bytes that should have been encoded
// are accepted if the result is valid UTF-8 (be liberal in what we accept).
func percentDecode(s string) (string, error) {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		if !utf8.ValidString(s) {
			return "", errBadUTF8
		}
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+2 >= len(s) {
			return "", errBadEscape
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", errBadEscape
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	if !utf8.Valid(b) {
		return "", errBadUTF8
	}
	return string(b), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
