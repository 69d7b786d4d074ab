package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// DefaultBatch is how many messages the reader asks the server for at once
// (and so at most buffers).
const DefaultBatch = 512

// Config configures a Reader. JS is required.
type Config struct {
	JS       jetstream.JetStream
	Subjects natsbus.Subjects
	// Batch bounds the messages buffered from the server; default DefaultBatch.
	Batch int
	Log   *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Batch <= 0 {
		c.Batch = DefaultBatch
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Validate reports what is missing.
func (c Config) Validate() error {
	if c.JS == nil {
		return errors.New("replay: JS is required")
	}
	return nil
}

// Reader opens replays and tails of the events stream.
type Reader struct {
	cfg Config
}

// New returns a Reader.
func New(cfg Config) (*Reader, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Reader{cfg: cfg}, nil
}

// Replay opens the stretch q selects as it is stored now: the cursor ends
// (io.EOF) at until, to_seq or the stream's last sequence at this moment,
// whichever comes first.
func (r *Reader) Replay(ctx context.Context, q Query) (*Cursor, error) {
	return r.open(ctx, q, false)
}

// Tail is Replay that does not end at the stream's last sequence: after the
// stored events it waits for new ones, until ctx ends, to_seq is passed or
// until is reached.
func (r *Reader) Tail(ctx context.Context, q Query) (*Cursor, error) {
	return r.open(ctx, q, true)
}

func (r *Reader) open(ctx context.Context, q Query, follow bool) (*Cursor, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	name := r.cfg.Subjects.EventsStream()
	stream, err := r.cfg.JS.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, werr.New(werr.KindNotFound, werr.CodeNotFound, "there is no stream %s (yet): nothing to replay", name)
	}
	if err != nil {
		return nil, fmt.Errorf("looking up stream %s: %w", name, err)
	}
	c := &Cursor{q: q, follow: follow, log: r.cfg.Log}
	if !follow {
		// The end is fixed before the consumer exists, so that whatever it
		// delivers up to there is the stretch as stored at the start.
		info, err := stream.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading stream %s: %w", name, err)
		}
		c.last = info.State.LastSeq
		if c.last == 0 || (q.FromSeq > c.last) {
			c.done = true
			return c, nil
		}
	}
	cons, err := stream.OrderedConsumer(ctx, consumerConfig(q, r.cfg.Subjects))
	if err != nil {
		return nil, fmt.Errorf("creating an ordered consumer on %s: %w", name, err)
	}
	c.stream, c.cons = stream, cons
	if c.msgs, err = cons.Messages(jetstream.PullMaxMessages(r.cfg.Batch)); err != nil {
		c.Close()
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if !follow {
		if err := c.checkEmpty(ctx, cons); err != nil {
			c.Close()
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
	}
	return c, nil
}

func consumerConfig(q Query, s natsbus.Subjects) jetstream.OrderedConsumerConfig {
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: q.FilterSubjects(s), DeliverPolicy: jetstream.DeliverAllPolicy}
	switch {
	case q.FromSeq > 0:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, q.FromSeq
	case !q.Since.IsZero():
		since := q.Since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	return cfg
}

// Cursor is one open replay or tail. It is not safe for concurrent use.
type Cursor struct {
	q      Query
	follow bool
	last   uint64 // replay: the stream's last sequence at the start
	msgs   jetstream.MessagesContext
	stream jetstream.Stream
	cons   jetstream.Consumer
	done   bool
	log    *slog.Logger
}

// checkEmpty ends a replay at once when nothing matches: no message will
// come to say so. Otherwise the last matching message says it is the last
// (nothing pending after it).
func (c *Cursor) checkEmpty(ctx context.Context, cons jetstream.Consumer) error {
	info, err := cons.Info(ctx)
	if err != nil {
		return err
	}
	if info.NumPending == 0 && info.Delivered.Consumer == 0 {
		c.done = true
	}
	return nil
}

// Next returns the next event, io.EOF when the stretch is over, or ctx's
// error when ctx ends first (the cursor stays usable: a caller may wait
// with a deadline and call again).
func (c *Cursor) Next(ctx context.Context) (Event, error) {
	for {
		if c.done {
			return Event{}, io.EOF
		}
		m, err := c.receive(ctx)
		if err != nil {
			return Event{}, err
		}
		if m == nil {
			continue // until passed while waiting
		}
		ev, skip, err := c.take(m)
		if err != nil {
			// One unreadable message (published by someone else) must not
			// hide the rest of the audit log.
			c.log.Warn("skipping a stored message that is not a valid CloudEvent", "subject", m.Subject(), "err", err)
			continue
		}
		if !skip {
			return ev, nil
		}
	}
}

// receive waits for the next message; a tail waits at most until q.Until
// (then it is done and m is nil).
func (c *Cursor) receive(ctx context.Context) (jetstream.Msg, error) {
	wait := ctx
	if !c.q.Until.IsZero() && c.follow {
		var cancel context.CancelFunc
		wait, cancel = context.WithDeadline(ctx, c.q.Until)
		defer cancel()
	}
	m, err := c.msgs.Next(jetstream.NextContext(wait))
	if err == nil {
		return m, nil
	}
	if ctx.Err() == nil && wait.Err() != nil {
		c.done = true
		return nil, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("reading events: %w", err)
}

// take turns a delivered message into an event, deciding whether it ends
// the stretch (done) or falls outside it (skip).
func (c *Cursor) take(m jetstream.Msg) (ev Event, skip bool, err error) {
	meta, err := m.Metadata()
	if err != nil {
		return Event{}, false, fmt.Errorf("reading event metadata: %w", err)
	}
	seq := meta.Sequence.Stream
	switch {
	case !c.follow && seq > c.last,
		c.q.ToSeq != 0 && seq > c.q.ToSeq,
		!c.q.Until.IsZero() && meta.Timestamp.After(c.q.Until):
		c.done = true
		return Event{}, true, nil
	}
	if !c.follow && (seq == c.last || meta.NumPending == 0) || c.q.ToSeq != 0 && seq == c.q.ToSeq {
		c.done = true // this one is the last
	}
	if !c.q.Since.IsZero() && meta.Timestamp.Before(c.q.Since) {
		return Event{}, true, nil // from_seq was the start; since still bounds
	}
	typ, raw, err := encode(m.Headers(), m.Data(), seq)
	if err != nil {
		return Event{}, false, err
	}
	return Event{Seq: seq, Type: typ, Stored: meta.Timestamp, Pending: meta.NumPending, JSON: raw}, false, nil
}

// deleteWait bounds Close's deletion of the consumer.
const deleteWait = 5 * time.Second

// Close stops reading and deletes the consumer: stopping alone leaves it
// on the server for its inactivity threshold (5 minutes for ordered
// consumers), so clients that go away mid-stream, again and again, would
// pile consumers up on WA_EVENTS.
func (c *Cursor) Close() {
	if c.msgs != nil {
		c.msgs.Stop()
		c.msgs = nil
	}
	c.done = true
	if c.cons == nil {
		return
	}
	// The ordered consumer's current one: a reset (a gap, a missed
	// heartbeat) deletes the ones before it itself.
	info := c.cons.CachedInfo()
	c.cons = nil
	if info == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), deleteWait)
	defer cancel()
	err := c.stream.DeleteConsumer(ctx, info.Name)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		// The server still removes it once it has been inactive long enough.
		c.log.Warn("deleting a replay's consumer", "consumer", info.Name, "err", err)
	}
}
