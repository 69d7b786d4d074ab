package httpadapter

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Routes of the audit log (CONTRACT §10).
const (
	pathEvents       = "/events"
	pathEventsStream = "/events/stream"
)

// DefaultEventsKeepAlive is how often an idle event stream (SSE) sends a
// comment, so proxies and clients do not take it for dead.
const DefaultEventsKeepAlive = 15 * time.Second

// EventQuery is what GET /events and GET /events/stream select. Zero values
// mean no bound, empty lists all; the EventLog validates the rest.
type EventQuery struct {
	Session        string
	Since, Until   time.Time
	FromSeq, ToSeq uint64
	Types, Chats   []string
}

// StoredEvent is one event of the log: its stream sequence, its type and
// the structured CloudEvent JSON (one line, with the extension seq).
type StoredEvent struct {
	Seq  uint64
	Type string
	JSON []byte
}

// EventCursor is an open read of the log. Next returns io.EOF at the end,
// ctx's error when ctx ends first (the cursor stays usable).
type EventCursor interface {
	Next(ctx context.Context) (StoredEvent, error)
	Close()
}

// EventLog reads the audit log: Replay the stretch stored now, Tail the
// same and then what arrives. Errors of a bad query carry werr kinds.
type EventLog interface {
	Replay(ctx context.Context, q EventQuery) (EventCursor, error)
	Tail(ctx context.Context, q EventQuery) (EventCursor, error)
}

// eventRoutes serves the log as NDJSON and as Server-Sent Events.
type eventRoutes struct {
	log       EventLog
	keepAlive time.Duration
	stopping  <-chan struct{} // closed when the server begins to shut down
}

func (e eventRoutes) register(g gin.IRoutes) {
	g.GET(pathEvents, e.ndjson)
	g.GET(pathEventsStream, e.sse)
}

// flushEvery bounds what an NDJSON answer holds back before flushing.
const flushEvery = 64 << 10

// ndjson streams the stretch oldest first, one structured event per line,
// flushed in chunks; it stops when the client goes away.
func (e eventRoutes) ndjson(c *gin.Context) {
	q, err := eventQueryOf(c)
	if err != nil {
		writeErr(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := e.log.Replay(ctx, q)
	if err != nil {
		writeErr(c, err)
		return
	}
	defer cur.Close()
	unbound(c)
	c.Header("Content-Type", "application/x-ndjson")
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, flushEvery)
	for {
		ev, err := cur.Next(ctx)
		if err != nil {
			e.end(c, err)
			break
		}
		if _, err := w.Write(ev.JSON); err != nil {
			return // the client went away
		}
		if err := w.WriteByte('\n'); err != nil {
			return
		}
	}
	if w.Flush() == nil {
		c.Writer.Flush()
	}
}

// end records why a stream ended, unless it simply did or its client left.
func (e eventRoutes) end(c *gin.Context, err error) {
	if errors.Is(err, io.EOF) || c.Request.Context().Err() != nil {
		return
	}
	c.Error(err) //nolint:errcheck // the status is sent; the request log has the cause
}

// unbound lifts the server's read and write deadlines for this request:
// a replay may take minutes and a tail lasts as long as its client wants.
// The request's context still ends when the client goes away.
func unbound(c *gin.Context) {
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{}) // not every writer (tests) supports deadlines
	_ = rc.SetReadDeadline(time.Time{})
}
