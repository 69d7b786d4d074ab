package main

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// eventLog serves GET /events and GET /events/stream from the events
// stream (package replay behind the adapter's EventLog port).
type eventLog struct{ r *replay.Reader }

var _ httpadapter.EventLog = eventLog{}

// newEventLog is the REST adapter's audit log over js; nil (routes not
// served) only if the reader cannot be made, which is logged.
func newEventLog(js jetstream.JetStream, subjects natsbus.Subjects, log *slog.Logger) httpadapter.EventLog {
	r, err := replay.New(replay.Config{JS: js, Subjects: subjects, Log: log})
	if err != nil {
		log.Error("GET /events is not served", "err", err)
		return nil
	}
	return eventLog{r: r}
}

func (l eventLog) Replay(ctx context.Context, q httpadapter.EventQuery) (httpadapter.EventCursor, error) {
	c, err := l.r.Replay(ctx, replayQuery(q))
	if err != nil {
		return nil, err
	}
	return eventCursor{c}, nil
}

func (l eventLog) Tail(ctx context.Context, q httpadapter.EventQuery) (httpadapter.EventCursor, error) {
	c, err := l.r.Tail(ctx, replayQuery(q))
	if err != nil {
		return nil, err
	}
	return eventCursor{c}, nil
}

func replayQuery(q httpadapter.EventQuery) replay.Query {
	return replay.Query{Session: q.Session, Since: q.Since, Until: q.Until,
		FromSeq: q.FromSeq, ToSeq: q.ToSeq, Types: q.Types, Chats: q.Chats}
}

type eventCursor struct{ c *replay.Cursor }

func (c eventCursor) Next(ctx context.Context) (httpadapter.StoredEvent, error) {
	ev, err := c.c.Next(ctx)
	return httpadapter.StoredEvent{Seq: ev.Seq, Type: ev.Type, JSON: ev.JSON}, err
}

func (c eventCursor) Close() { c.c.Close() }
