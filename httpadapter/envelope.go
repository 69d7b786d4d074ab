package httpadapter

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// Codes this adapter adds to werr's catalog. They are stable like werr's and
// belong in the README's error catalog.
const (
	// CodeBusUnavailable: no command handler answered on NATS (no responders).
	CodeBusUnavailable = "BUS_UNAVAILABLE"
	// CodeUnsupportedMediaType: a POST body that is not JSON.
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	// CodeMethodNotAllowed: the path exists with another method.
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	// CodeSandboxError: the sandbox rejected a request without a werr kind.
	CodeSandboxError = "SANDBOX_ERROR"
	// CodeNotReady: /readyz while a dependency is not ready.
	CodeNotReady = "NOT_READY"
)

// Envelope is the body of every response (CONTRACT §5). For commands the
// body is the result CloudEvent's data as is; Envelope is used to read its
// status and to write the adapter's own answers.
type Envelope struct {
	Status  int    `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Details any    `json:"details,omitempty"`
	Data    any    `json:"data,omitempty"`
}

func success(data any) Envelope {
	return Envelope{Status: http.StatusOK, Message: "Success", Data: data}
}

// writeEnvelope answers with env and its status.
func writeEnvelope(c *gin.Context, env Envelope) {
	c.AbortWithStatusJSON(env.Status, env)
}

// writeErr answers with the envelope of err; errors without a werr kind
// are internal. Causes of 5xx answers are logged, never shown.
func writeErr(c *gin.Context, err error) {
	var se *statusError
	if errors.As(err, &se) {
		writeEnvelope(c, Envelope{Status: se.Status, Code: se.Code, Message: se.Message})
		return
	}
	we := werr.From(err)
	if we.Status() >= http.StatusInternalServerError {
		c.Error(err) //nolint:errcheck // recorded for the request log, never shown
	}
	writeEnvelope(c, errEnvelope(we))
}

func errEnvelope(we *werr.Error) Envelope {
	env := Envelope{Status: we.Status(), Code: we.Code, Message: we.Message}
	if len(we.Details) > 0 {
		env.Details = we.Details
	}
	return env
}

// statusError is an answer whose HTTP status has no werr kind (413, 415,
// 405): transport-level refusals that never reach a command.
type statusError struct {
	Status  int
	Code    string
	Message string
}

func (e *statusError) Error() string { return e.Code + ": " + e.Message }

// writeRaw answers with a command result's data unchanged: the status comes
// from the data itself, so REST and NATS callers see the same bytes.
func writeRaw(c *gin.Context, data []byte) error {
	var env struct {
		Status int `json:"status"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "command result is not a JSON envelope")
	}
	if env.Status < 100 || env.Status > 599 {
		return werr.Wrap(errors.New("status out of range"), werr.KindInternal, werr.CodeInternal, "command result has an invalid status")
	}
	c.Data(env.Status, "application/json; charset=utf-8", data)
	c.Abort()
	return nil
}
