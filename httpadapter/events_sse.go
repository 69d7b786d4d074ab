package httpadapter

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

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
	ctx, cancel := e.untilStopping(c.Request.Context())
	defer cancel()
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
		case ctx.Err() != nil:
			return // the client went away or the server stops
		case errors.Is(err, context.DeadlineExceeded):
			if !e.write(c, []byte(": keep-alive\n\n")) {
				return
			}
		default:
			e.end(c, err)
			return
		}
	}
}

// untilStopping is ctx, ended also when the server begins to shut down.
func (e eventRoutes) untilStopping(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if e.stopping == nil {
		return ctx, cancel
	}
	go func() {
		select {
		case <-e.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func (e eventRoutes) write(c *gin.Context, b []byte) bool {
	if _, err := c.Writer.Write(b); err != nil {
		return false
	}
	c.Writer.Flush()
	return true
}

// sseFrame is one event. A line break (CR, LF or both) ends a field in
// SSE: a type holding one (another publisher's event) is left out, the
// data field it would be in being the event itself, and JSON over several
// lines (the EventLog's is one) goes in several data fields, which the
// client joins with LF, a JSON whitespace.
func sseFrame(ev StoredEvent) []byte {
	b := make([]byte, 0, len(ev.JSON)+len(ev.Type)+40)
	b = append(b, "id: "...)
	b = strconv.AppendUint(b, ev.Seq, 10)
	if !strings.ContainsAny(ev.Type, "\r\n") {
		b = append(b, "\nevent: "...)
		b = append(b, ev.Type...)
	}
	rest := ev.JSON
	for {
		i := bytes.IndexAny(rest, "\r\n")
		if i < 0 {
			break
		}
		b = append(b, "\ndata: "...)
		b = append(b, rest[:i]...)
		if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
			i++
		}
		rest = rest[i+1:]
	}
	b = append(b, "\ndata: "...)
	b = append(b, rest...)
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
	if err != nil || seq == math.MaxUint64 { // nothing follows it; +1 would wrap to the start
		return werr.Invalid(werr.CodeInvalidPayload, "Last-Event-ID must be an event's sequence number").
			WithDetails(map[string]any{"last_event_id": truncate(v)})
	}
	q.FromSeq = seq + 1
	return nil
}
