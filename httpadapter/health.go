package httpadapter

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

const (
	pathHealthz = "/healthz"
	pathReadyz  = "/readyz"
)

// healthz answers once the process serves HTTP at all (CONTRACT §9).
func healthz(version string) gin.HandlerFunc {
	return func(c *gin.Context) {
		env := Envelope{Status: http.StatusOK, Message: "OK"}
		if version != "" {
			env.Data = map[string]string{"version": version}
		}
		c.JSON(http.StatusOK, env)
	}
}

// readyz answers 200 once ready says NATS, storage and the session
// managers are, and 503 with the reason until then; the details (per
// component: outbox age, oldest pending command per session, ...) come with
// either answer, as data when ready and as details when not.
func readyz(ready ReadyFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ready == nil {
			c.JSON(http.StatusOK, Envelope{Status: http.StatusOK, Message: "OK"})
			return
		}
		details, err := ready(c.Request.Context())
		if err != nil {
			env := Envelope{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: err.Error()}
			if we := werr.From(err); we.Kind != werr.KindInternal {
				env.Code, env.Message = we.Code, we.Message
			}
			if len(details) > 0 {
				env.Details = details
			}
			writeEnvelope(c, env)
			return
		}
		env := Envelope{Status: http.StatusOK, Message: "OK"}
		if len(details) > 0 {
			env.Data = details
		}
		c.JSON(http.StatusOK, env)
	}
}
