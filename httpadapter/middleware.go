package httpadapter

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// requestLog logs one line per request. It deliberately logs neither
// bodies, query strings (they carry phone numbers) nor any header but the
// caller's request id: Authorization must never reach a log.
func requestLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		attrs := []any{
			"method", c.Request.Method,
			"route", route,
			"status", status,
			"duration", time.Since(start),
			"remote", c.ClientIP(),
		}
		if s := c.GetString(ctxSession); s != "" {
			attrs = append(attrs, "session", s)
		}
		if id := headerValue(c, HeaderRequestID); validToken(id) {
			attrs = append(attrs, "request_id", id)
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, "error", c.Errors.String())
		}
		level := slog.LevelInfo
		switch {
		case status >= http.StatusInternalServerError:
			level = slog.LevelError
		case route == pathHealthz || route == pathReadyz, route == pathMetrics && status == http.StatusOK:
			level = slog.LevelDebug // probes and scrapes would drown everything else
		}
		log.Log(c.Request.Context(), level, "http request", attrs...)
	}
}

// recovery turns a panic in a handler into a 500 envelope, so one bad
// request cannot take the process down.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler { //nolint:errorlint // net/http's sentinel, compared as it documents
				panic(r) // net/http's way to abort a response on purpose
			}
			log.Error("panic serving request", "route", c.FullPath(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			writeEnvelope(c, errEnvelope(werr.New(werr.KindInternal, werr.CodeInternal, "internal error")))
		}()
		c.Next()
	}
}

func notFound(c *gin.Context) {
	writeEnvelope(c, errEnvelope(werr.New(werr.KindNotFound, werr.CodeNotFound,
		"no route %s %s", c.Request.Method, truncate(c.Request.URL.Path))))
}

func methodNotAllowed(c *gin.Context) {
	writeEnvelope(c, Envelope{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: fmt.Sprintf("method %s is not allowed here", c.Request.Method)})
}
