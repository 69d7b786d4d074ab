package httpadapter

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// headerLastEventID is where an EventSource sends the id of the last event
// it saw when it reconnects.
const headerLastEventID = "Last-Event-ID"

// sse is the live tail as Server-Sent Events: id the stream sequence, event
// the type, data the structured event. Last-Event-ID (or last_event_id=)
// resumes right after that sequence; keep-alive comments keep it open.
func (e eventRoutes) sse(c *gin.Context) {
	q, err := eventQueryOf(c)
	if err != nil {
		writeErr(c, err)
		return
	}
	if err := resumeAfter(c, &q); err != nil {
		writeErr(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := e.log.Tail(ctx, q)
	if err != nil {
		writeErr(c, err)
		return
	}
	defer cur.Close()
	unbound(c)
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no") // nginx would hold the stream back
	c.Status(http.StatusOK)
	// The first bytes tell the client the stream is open before any event.
	if !e.write(c, []byte(": wabridge events\n\n")) {
		return
	}
	for {
		wait, cancel := context.WithTimeout(ctx, e.keepAlive)
		ev, err := cur.Next(wait)
		cancel()
		switch {
		case err == nil:
			if !e.write(c, sseFrame(ev)) {
				return
			}
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			if !e.write(c, []byte(": keep-alive\n\n")) {
				return
			}
		default:
			e.end(c, err)
			return
		}
	}
}

func (e eventRoutes) write(c *gin.Context, b []byte) bool {
	if _, err := c.Writer.Write(b); err != nil {
		return false
	}
	c.Writer.Flush()
	return true
}

// sseFrame is one event; its JSON is one line, so one data field holds it.
func sseFrame(ev StoredEvent) []byte {
	b := make([]byte, 0, len(ev.JSON)+len(ev.Type)+40)
	b = append(b, "id: "...)
	b = strconv.AppendUint(b, ev.Seq, 10)
	b = append(b, "\nevent: "...)
	b = append(b, ev.Type...)
	b = append(b, "\ndata: "...)
	b = append(b, ev.JSON...)
	return append(b, "\n\n"...)
}

// resumeAfter makes q start right after the sequence the client saw last.
func resumeAfter(c *gin.Context, q *EventQuery) error {
	v := headerValue(c, headerLastEventID)
	if v == "" {
		v = c.Query("last_event_id")
	}
	if v == "" {
		return nil
	}
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "Last-Event-ID must be an event's sequence number").
			WithDetails(map[string]any{"last_event_id": truncate(v)})
	}
	q.FromSeq = seq + 1
	return nil
}
