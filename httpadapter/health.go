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

// readyz answers 200 once ready() says NATS, storage and the session
// managers are, and 503 with the reason until then.
func readyz(ready func() error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ready == nil {
			c.JSON(http.StatusOK, Envelope{Status: http.StatusOK, Message: "OK"})
			return
		}
		if err := ready(); err != nil {
			env := Envelope{Status: http.StatusServiceUnavailable, Code: CodeNotReady, Message: err.Error()}
			if we := werr.From(err); we.Kind != werr.KindInternal {
				env.Code, env.Message = we.Code, we.Message
			}
			writeEnvelope(c, env)
			return
		}
		c.JSON(http.StatusOK, Envelope{Status: http.StatusOK, Message: "OK"})
	}
}
