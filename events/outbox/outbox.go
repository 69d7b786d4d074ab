package outbox

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// Outbox is the durable queue between the bridge and JetStream: a CloudEvent
// is in it, fsynced, before Emit or Put returns, and leaves it only after
// JetStream acknowledged it and had time to make it durable. Each session
// has its own queue in insertion order, so one session's backlog or failure
// never holds back another's events.
type Outbox struct {
	db       *store.DB
	subjects natsbus.Subjects
	// maxBytes bounds the NATS message of an entry, headers included;
	// maxBytesFunc, when set and positive, overrides it.
	maxBytes     int64
	maxBytesFunc func() int64
	// mode is the content mode entries are stored in (WithContentMode).
	mode cenats.Mode
	// added holds one token while a session may have got its first entry.
	added chan struct{}
	group *store.Group
	// emitted keeps ids out of the outbox that were emitted before.
	emitted ledger
	now     func() time.Time

	mu sync.Mutex
	// wakes holds one channel per session, signalled on each of its entries.
	wakes map[string]chan struct{}
	// published is what the publisher has acknowledged, per session.
	published map[string]publishedState
}

var _ events.Sink = (*Outbox)(nil)

// New opens the outbox in db (creating its buckets, and moving entries left
// by an earlier version into their session's queue); subjects give Emit the
// subject of each event.
func New(db *store.DB, subjects natsbus.Subjects, opts ...Option) (*Outbox, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{bucketLegacy, bucketQueues, bucketOutboxDead, bucketEmitted, bucketAcked} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("creating outbox buckets: %w", err)
	}
	o := &Outbox{
		db: db, subjects: subjects, maxBytes: DefaultMaxMessageBytes, added: make(chan struct{}, 1), group: db.Group(),
		emitted: ledger{horizon: DefaultEmittedHorizon}, now: time.Now,
		wakes: map[string]chan struct{}{}, published: map[string]publishedState{},
	}
	for _, opt := range opts {
		opt(o)
	}
	if err := o.migrateLegacy(); err != nil {
		return nil, err
	}
	return o, nil
}

// Emit makes e a CloudEvent and stores it for publication on
// <prefix>.<session>.evt.<chat>.<event>.
func (o *Outbox) Emit(ctx context.Context, e events.Event, also ...store.Write) error {
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		return err
	}
	return o.Put(ctx, eventSubject(o.subjects, e), ce, also...)
}

// Put stores an already-built CloudEvent for publication on subject (an evt
// or result subject under the outbox's prefix), in the queue of the
// subject's session. It returns nil only once the entry is committed and
// fsynced. An event too large for a NATS message is refused with an error
// wrapping ErrMessageTooLarge.
//
// The writes in also are committed in the same transaction as the entry.
// An id already emitted within the horizon (WithEmittedHorizon) stores no
// second entry, whether it is still waiting or long published: the also
// writes are committed all the same and Put returns nil.
func (o *Outbox) Put(ctx context.Context, subject string, ce event.Event, also ...store.Write) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storing %s in outbox: %w", ce.ID(), err)
	}
	session, err := o.checkSubject(subject)
	if err != nil {
		return err
	}
	if err := ce.Validate(); err != nil {
		return fmt.Errorf("storing event in outbox: invalid cloudevent: %w", err)
	}
	now := o.now()
	rec, err := o.wireOf(session, subject, ce, now)
	if err != nil {
		return err
	}
	if err := o.commit(session, ce.ID(), now, rec, also); err != nil {
		return fmt.Errorf("storing cloudevent %s in outbox: %w", ce.ID(), err)
	}
	o.signal(session)
	return nil
}

// checkSubject returns the session of an evt or result subject.
func (o *Outbox) checkSubject(subject string) (string, error) {
	session, kind, _, err := o.subjects.Parse(subject)
	if err != nil {
		return "", fmt.Errorf("storing event in outbox: %w", err)
	}
	if kind != "evt" && kind != "result" {
		return "", fmt.Errorf("storing event in outbox: subject %q is neither an event nor a result subject", subject)
	}
	return session, nil
}

// signal wakes the session's publisher lane, and the publisher when the
// session is new to this process (it may have no lane yet), without ever
// blocking the emitter.
func (o *Outbox) signal(session string) {
	ch, created := o.wake(session)
	notify(ch)
	if created {
		notify(o.added)
	}
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// wakeFor is the channel signalled whenever session gets an entry.
func (o *Outbox) wakeFor(session string) chan struct{} {
	ch, _ := o.wake(session)
	return ch
}

// wake is wakeFor, also reporting whether the channel was created now.
func (o *Outbox) wake(session string) (chan struct{}, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch, ok := o.wakes[session]
	if !ok {
		ch = make(chan struct{}, 1)
		o.wakes[session] = ch
	}
	return ch, !ok
}

// PruneEmitted forgets the emitted ids older than the horizon (give it the
// current time) and reports how many went. The publisher calls it every
// PublisherConfig.PruneEvery; nothing else needs to.
func (o *Outbox) PruneEmitted(now time.Time) (int, error) {
	var n int
	err := o.group.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = o.emitted.prune(tx, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("pruning the emitted ledger: %w", err)
	}
	return n, nil
}

// eventSubject is the NATS subject an event is published on:
// <prefix>.<session>.evt.<chat>.<event> (CONTRACT §4).
func eventSubject(s natsbus.Subjects, e events.Event) string {
	return s.Event(e.Session, e.Subject, strings.TrimPrefix(e.Type, events.TypePrefix))
}
