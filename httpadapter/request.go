package httpadapter

import (
	"github.com/wabridge/wabridge/internal/ident"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// Request headers with a meaning here.
const (
	HeaderSession        = "X-Session"
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderCorrelationID  = "X-Correlation-Id"
	HeaderRequestID      = "X-Request-Id"
)

// DefaultSession is the session used when a request names none (CONTRACT §1).
const DefaultSession = ident.DefaultSession

// maxTokenLen bounds header values that become CloudEvent attributes.
const maxTokenLen = 128

// sessionOf returns the session a request addresses: X-Session, else the
// query parameter "session", else "default".
func sessionOf(c *gin.Context) (string, error) {
	name := headerValue(c, HeaderSession)
	if name == "" {
		name = c.Query("session")
	}
	if name == "" {
		return DefaultSession, nil
	}
	if !ident.ValidSession(name) {
		return "", werr.Invalid(werr.CodeInvalidSession,
			"session must match [a-z0-9][a-z0-9_-]{0,31}").WithDetails(map[string]any{"session": truncate(name)})
	}
	return name, nil
}

// headerValue is a request header without surrounding spaces and tabs.
// net/http already strips them from what arrives over a connection (RFC 9110
// §5.5); a handler called in-process (tests, fuzzing) must see the same, or
// " " would pass validToken and then be refused as an empty CloudEvent id.
func headerValue(c *gin.Context, name string) string {
	return strings.Trim(c.GetHeader(name), " \t")
}

// validToken reports whether s can be used as a CloudEvent id or extension
// value: 1–128 printable ASCII characters.
func validToken(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// correlationOf returns the caller's correlation id, if it sent a usable one.
func correlationOf(c *gin.Context) string {
	for _, h := range []string{HeaderCorrelationID, HeaderRequestID} {
		if v := headerValue(c, h); validToken(v) {
			return v
		}
	}
	return ""
}

// echoIDs copies the caller's request and correlation ids to the response,
// so callers can match answers in their own logs.
func echoIDs(c *gin.Context) {
	for _, h := range []string{HeaderRequestID, HeaderCorrelationID} {
		if v := headerValue(c, h); validToken(v) {
			c.Header(h, v)
		}
	}
	c.Next()
}

// truncate keeps user input echoed in error details short.
func truncate(s string) string { return ident.Clip(s, 64) }
