package media

import (
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// sniffLen is how much of the head Spool keeps for Sniff: mimetype's default
// read limit, so Sniff sees what the library would read from the file itself.
const sniffLen = 3072

// Sniff names the content type of data starting with head, as
// gabriel-vasile/mimetype detects it ("application/octet-stream" when it
// knows nothing better).
func Sniff(head []byte) string {
	return mimetype.Detect(head).String()
}

// baseType is a mimetype without its parameters, lower-cased ("" when it does
// not parse): what declared and sniffed types are compared by.
func baseType(m string) string {
	t, _, err := mime.ParseMediaType(m)
	if err != nil {
		return ""
	}
	return strings.ToLower(t)
}

// sniffedIs reports whether the sniffed type is declared, or is a subtype of
// it in mimetype's tree (a declared application/zip accepts a sniffed docx).
func sniffedIs(sniffed, declared string) bool {
	want := baseType(declared)
	if want == "" {
		return false
	}
	for m := mimetype.Lookup(baseType(sniffed)); m != nil; m = m.Parent() {
		if m.Is(want) {
			return true
		}
	}
	return baseType(sniffed) == want
}

// declaredType is the caller's mimetype unless it only says "bytes": servers
// label anything application/octet-stream, which claims nothing to check.
func declaredType(m string) string {
	switch baseType(m) {
	case "", "application/octet-stream", "binary/octet-stream", "application/unknown":
		return ""
	}
	return m
}
