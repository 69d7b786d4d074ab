package httpadapter

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// SandboxClock is the body of POST /sandbox/clock: how far to move the
// simulated network's clock, as a Go duration ("16m", "1h30m").
type SandboxClock struct {
	Advance string `json:"advance"`
}

func (s sandboxRoutes) clock(c *gin.Context) {
	_, fields, ok := s.prepare(c)
	if !ok {
		return
	}
	var body SandboxClock
	if err := decodeFields(fields, &body); err != nil {
		writeErr(c, err)
		return
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil || d < 0 {
		writeErr(c, werr.Invalid(werr.CodeInvalidPayload, "advance %q is no positive duration such as \"16m\"", body.Advance))
		return
	}
	now, err := s.sb.Advance(d)
	if err != nil {
		writeErr(c, sandboxErr(err))
		return
	}
	c.JSON(http.StatusOK, success(map[string]string{"now": now.UTC().Format(time.RFC3339)}))
}
