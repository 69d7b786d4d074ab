package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Backlog is what waits in one session's durable queue.
type Backlog struct {
	// Pending counts the commands not yet acked: not yet delivered, being
	// handled, or waiting for a redelivery.
	Pending uint64
	// Oldest is the age of the oldest of them (zero when none): a queue
	// whose oldest command keeps ageing is stuck or its session offline.
	Oldest time.Duration
}

// Backlog reports each configured session's queue, read from its consumer
// and the stream. A session whose consumer cannot be read is left out and
// its error joined into the returned one.
func (d *Durable) Backlog(ctx context.Context) (map[string]Backlog, error) {
	stream, err := d.js.Stream(ctx, d.cfg.Stream)
	if err != nil {
		return nil, fmt.Errorf("looking up stream %s: %w", d.cfg.Stream, err)
	}
	out := make(map[string]Backlog, len(d.cfg.Sessions))
	var errs []error
	for _, session := range d.cfg.Sessions {
		b, err := d.backlog(ctx, stream, session)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading the command backlog of session %s: %w", session, err))
			continue
		}
		out[session] = b
	}
	return out, errors.Join(errs...)
}

func (d *Durable) backlog(ctx context.Context, stream jetstream.Stream, session string) (Backlog, error) {
	c, err := stream.Consumer(ctx, ConsumerName(d.cfg.Durable, session))
	if err != nil {
		return Backlog{}, err
	}
	info := c.CachedInfo() // fresh: Consumer just fetched it
	b := Backlog{Pending: info.NumPending + uint64(info.NumAckPending)}
	if b.Pending == 0 {
		return b, nil
	}
	// Everything up to the ack floor is acked, so the first message of the
	// session after it is the oldest one not acked. The stream holds every
	// session's commands; the subject filter skips the others'.
	msg, err := stream.GetMsg(ctx, info.AckFloor.Stream+1, jetstream.WithGetMsgSubject(d.topic(session)))
	if err != nil {
		return Backlog{}, fmt.Errorf("reading the oldest pending command: %w", err)
	}
	b.Oldest = max(d.cfg.Now().Sub(msg.Time), 0)
	return b, nil
}
