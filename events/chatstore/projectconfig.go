package chatstore

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// DefaultDurable is the projector's consumer on the events stream.
const DefaultDurable = "chatstore"

// ProjectConfig says which events the projector applies.
type ProjectConfig struct {
	Subjects natsbus.Subjects
	// Stream is the events stream; default Subjects.EventsStream().
	Stream string
	// Sessions are the sessions whose events are applied; none means all.
	Sessions []string
	// Durable names the consumer and the position kept in the store;
	// default DefaultDurable.
	Durable string
	// Batch is how many events one SQL transaction applies at most;
	// default 1024: a history sync's messages of one chat then change the
	// chat once per 1024 messages, and a commit writes its index pages once.
	Batch int
	// Wait is how long one fetch waits for events; default 1s.
	Wait time.Duration
	Log  *slog.Logger
}

func (c *ProjectConfig) setDefaults() {
	if c.Stream == "" {
		c.Stream = c.Subjects.EventsStream()
	}
	if c.Durable == "" {
		c.Durable = DefaultDurable
	}
	if c.Batch <= 0 {
		c.Batch = 1024
	}
	if c.Wait <= 0 {
		c.Wait = time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Validate reports every problem of c at once.
func (c ProjectConfig) Validate() error {
	var errs []error
	for _, s := range c.Sessions {
		if !ident.ValidSession(s) {
			errs = append(errs, fmt.Errorf("chat store projector: invalid session name %q", s))
		}
	}
	if c.Batch > maxAckPending {
		errs = append(errs, fmt.Errorf("chat store projector: batch %d exceeds %d", c.Batch, maxAckPending))
	}
	return errors.Join(errs...)
}

// maxAckPending bounds the events delivered and not yet acknowledged.
const maxAckPending = 4096

// filters are the subjects of the sessions' events and of the command
// results the store applies (see resultApplier): narrower than all
// results, so the answers of queries (a chat.list page) are not fetched.
func (c ProjectConfig) filters() []string {
	sessions := c.Sessions
	if len(sessions) == 0 {
		sessions = []string{"*"}
	}
	all := c.Subjects.All("evt")
	var out []string
	for _, s := range sessions {
		out = append(out,
			// wa.*.evt.> with the session in place of the wildcard.
			strings.Replace(all, ".*.", "."+s+".", 1),
			c.Subjects.Result(s, "send.>"),
			c.Subjects.Result(s, "message.forward"),
			c.Subjects.Result(s, "message.read"),
			c.Subjects.Result(s, "message.reaction"), c.Subjects.Result(s, "message.update"), c.Subjects.Result(s, "message.revoke"), c.Subjects.Result(s, "message.delete"))
	}
	return out
}

// consumerConfig is the durable pull consumer, created explicitly so that
// nothing at stop deletes it. Acks acknowledge everything before them: the
// projector acks the last event of each applied batch.
func (c ProjectConfig) consumerConfig(fromSeq uint64) jetstream.ConsumerConfig {
	cc := jetstream.ConsumerConfig{
		Durable:        c.Durable,
		Description:    "wabridge chat store projection",
		AckPolicy:      jetstream.AckAllPolicy,
		AckWait:        time.Minute,
		MaxAckPending:  maxAckPending,
		FilterSubjects: c.filters(),
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	}
	if fromSeq > 1 {
		cc.DeliverPolicy, cc.OptStartSeq = jetstream.DeliverByStartSequencePolicy, fromSeq
	}
	return cc
}
