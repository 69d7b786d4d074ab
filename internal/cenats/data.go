package cenats

import (
	"strings"
)

// mediaType is the lowercased type/subtype of a Content-Type, parameters cut.
func mediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// isJSON reports whether data of this media type is JSON text, which the JSON
// event format carries as a JSON value under "data" rather than as base64.
// An absent type means JSON (JSON event format §3.1).
func isJSON(mt string) bool {
	switch mt {
	case "", "application/json", "text/json":
		return true
	}
	return strings.HasSuffix(mt, "+json")
}

// sdkJSONType lists the media types sdk-go's JSON format carries as a raw
// JSON value under "data"; any other type it quotes as a string, so the
// structured codec handles other "+json" types itself.
func sdkJSONType(mt string) bool {
	switch mt {
	case "", "application/json", "text/json", ContentTypeStructured, contentTypeBatch:
		return true
	}
	return false
}

// sdkReadsAsJSON mirrors how sdk-go's JSON reader derives the media type
// (case kept, trimmed only around a ';'), which differs from its writer.
func sdkReadsAsJSON(contentType string) bool {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = strings.TrimSpace(contentType[:i])
	}
	return sdkJSONType(contentType)
}

// sdkWritesAsJSON mirrors sdk-go's JSON writer, which lowercases and trims.
func sdkWritesAsJSON(contentType string) bool {
	return sdkJSONType(mediaType(contentType))
}
