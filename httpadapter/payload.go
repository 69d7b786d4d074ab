package httpadapter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// commandData builds the command's data object from a request: query
// parameters for methods without a body, the JSON body otherwise, plus the
// route's path parameters as fields of the same name.
func commandData(c *gin.Context, maxBody int64) ([]byte, error) {
	var fields map[string]json.RawMessage
	var err error
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		fields, err = queryFields(c)
	default:
		fields, err = bodyFields(c, maxBody)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range c.Params {
		// The path names the resource; it wins over a body field of the same name.
		fields[p.Key] = mustString(p.Value)
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encoding command data: %w", err)
	}
	return out, nil
}

// queryFields keeps every query value a string: the command's schema, not
// the transport, knows which fields are numbers or booleans.
func queryFields(c *gin.Context) (map[string]json.RawMessage, error) {
	q := c.Request.URL.Query()
	fields := make(map[string]json.RawMessage, len(q))
	for k, vs := range q {
		if k == "session" || len(vs) == 0 {
			continue
		}
		fields[k] = mustString(vs[0])
	}
	return fields, nil
}

func bodyFields(c *gin.Context, maxBody int64) (map[string]json.RawMessage, error) {
	if c.Request.ContentLength == 0 {
		return map[string]json.RawMessage{}, nil
	}
	if err := checkJSONContentType(c.GetHeader("Content-Type")); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &statusError{Status: http.StatusRequestEntityTooLarge, Code: werr.CodePayloadTooLarge,
				Message: fmt.Sprintf("request body exceeds %d bytes", maxBody)}
		}
		return nil, werr.Invalid(werr.CodeInvalidPayload, "reading request body failed")
	}
	return parseObject(body)
}

// parseObject parses a request body that must be one JSON object (or
// nothing, meaning an empty object).
func parseObject(body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "request body must be a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "request body must be one JSON object, with nothing after it")
	}
	return fields, nil
}

// checkJSONContentType accepts JSON media types only: a body without a type
// is what a cross-site no-cors fetch of a Blob sends (the guard refuses it
// first; this keeps the parser strict on its own).
func checkJSONContentType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && isJSONType(mt) {
		return nil
	}
	if strings.HasPrefix(strings.ToLower(ct), "multipart/") {
		return unsupportedType("this route takes no file uploads (only the media routes do); send application/json")
	}
	return unsupportedType("send the body as application/json")
}

func mustString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // marshalling a string cannot fail
	return b
}
