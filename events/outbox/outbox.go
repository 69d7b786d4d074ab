package outbox

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/wabridge/wabridge/events"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// Buckets of the outbox in the shared bbolt file.
const (
	bucketOutbox = "outbox"
	// bucketOutboxDead keeps entries that can never be published (they no
	// longer decode, or the server refuses them as too large), so one such
	// record neither blocks publication forever nor is thrown away.
	bucketOutboxDead = "outbox_dead"
)

// Outbox is the durable queue between the bridge and JetStream: a CloudEvent
// is in it, fsynced, before Emit or Put returns, and leaves it only after
// JetStream acknowledged it. Entries keep their insertion order.
type Outbox struct {
	db       *store.DB
	subjects natsbus.Subjects
	// maxBytes bounds the NATS message of an entry, headers included.
	maxBytes int64
	// added holds one token while entries may be waiting for a publisher.
	added chan struct{}
	group *store.Group
	// emitted keeps ids out of the outbox that were emitted before.
	emitted ledger
	now     func() time.Time
}

var _ events.Sink = (*Outbox)(nil)

// record is an outbox entry as stored: the target subject and the CloudEvent
// in the structured JSON format.
type record struct {
	Subject string          `json:"subject"`
	Event   json.RawMessage `json:"event"`
}

// storedEntry is a record as read back, with its position in the outbox.
type storedEntry struct {
	key uint64
	raw []byte
}

// NewOutbox opens the outbox in db (creating its buckets); subjects give Emit
// the subject of each event.
func New(db *store.DB, subjects natsbus.Subjects, opts ...Option) (*Outbox, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{bucketOutbox, bucketOutboxDead, bucketEmitted} {
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
	}
	for _, opt := range opts {
		opt(o)
	}
	return o, nil
}

// Emit makes e a CloudEvent and stores it for publication on
// <prefix>.<session>.evt.<type without io.wabridge.>.
func (o *Outbox) Emit(ctx context.Context, e events.Event, also ...store.Write) error {
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		return err
	}
	return o.Put(ctx, eventSubject(o.subjects, e), ce, also...)
}

// Put stores an already-built CloudEvent for publication on subject (an evt
// or result subject under the outbox's prefix). It returns nil only once the
// entry is committed and fsynced. An event too large for a NATS message is
// refused with an error wrapping ErrMessageTooLarge.
//
// The writes in also are committed in the same transaction as the entry.
// An id already emitted within the horizon (WithEmittedHorizon) stores no
// second entry, whether it is still waiting or long published: the also
// writes are committed all the same and Put returns nil.
func (o *Outbox) Put(ctx context.Context, subject string, ce event.Event, also ...store.Write) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storing %s in outbox: %w", ce.ID(), err)
	}
	if err := o.checkSubject(subject); err != nil {
		return err
	}
	if err := ce.Validate(); err != nil {
		return fmt.Errorf("storing event in outbox: invalid cloudevent: %w", err)
	}
	if err := o.checkWire(subject, ce); err != nil {
		return err
	}
	raw, err := json.Marshal(ce)
	if err != nil {
		return fmt.Errorf("encoding cloudevent %s: %w", ce.ID(), err)
	}
	rec, err := json.Marshal(record{Subject: subject, Event: raw})
	if err != nil {
		return fmt.Errorf("encoding outbox record %s: %w", ce.ID(), err)
	}
	if err := o.commit(ce.ID(), rec, also); err != nil {
		return fmt.Errorf("storing cloudevent %s in outbox: %w", ce.ID(), err)
	}
	o.signal()
	return nil
}

func (o *Outbox) checkSubject(subject string) error {
	_, kind, _, err := o.subjects.Parse(subject)
	if err != nil {
		return fmt.Errorf("storing event in outbox: %w", err)
	}
	if kind != "evt" && kind != "result" {
		return fmt.Errorf("storing event in outbox: subject %q is neither an event nor a result subject", subject)
	}
	return nil
}

// signal wakes a waiting publisher without ever blocking the emitter.
func (o *Outbox) signal() {
	select {
	case o.added <- struct{}{}:
	default:
	}
}

// Len is the number of entries waiting for publication.
func (o *Outbox) Len() (int, error) {
	var n int
	err := o.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucketOutbox)).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("counting outbox entries: %w", err)
	}
	return n, nil
}

// after returns up to n entries stored under keys above key, oldest first.
func (o *Outbox) after(key uint64, n int) ([]storedEntry, error) {
	var out []storedEntry
	err := o.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketOutbox)).Cursor()
		for k, v := c.Seek(seqKey(key + 1)); k != nil && len(out) < n; k, v = c.Next() {
			out = append(out, storedEntry{key: binary.BigEndian.Uint64(k), raw: append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading outbox: %w", err)
	}
	return out, nil
}

// remove deletes published entries in one transaction (one fsync).
func (o *Outbox) remove(keys []uint64) error {
	if len(keys) == 0 {
		return nil
	}
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOutbox))
		for _, k := range keys {
			if err := b.Delete(seqKey(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("removing %d published entries from outbox: %w", len(keys), err)
	}
	return nil
}

// bury moves an entry that can never be published to the dead bucket under
// the same key.
func (o *Outbox) bury(key uint64) error {
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOutbox))
		v := b.Get(seqKey(key))
		if v == nil {
			return errors.New("entry vanished")
		}
		if err := tx.Bucket([]byte(bucketOutboxDead)).Put(seqKey(key), v); err != nil {
			return err
		}
		return b.Delete(seqKey(key))
	})
	if err != nil {
		return fmt.Errorf("moving outbox entry %d aside: %w", key, err)
	}
	return nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// decodeRecord reads a stored record back into its subject and CloudEvent.
func decodeRecord(raw []byte) (string, event.Event, error) {
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return "", event.Event{}, fmt.Errorf("decoding outbox record: %w", err)
	}
	ce := event.New()
	if err := json.Unmarshal(rec.Event, &ce); err != nil {
		return "", event.Event{}, fmt.Errorf("decoding outbox cloudevent: %w", err)
	}
	if rec.Subject == "" {
		return "", event.Event{}, errors.New("decoding outbox record: no subject")
	}
	return rec.Subject, ce, nil
}

// eventSubject is the NATS subject an event is published on:
// <prefix>.<session>.evt.<chat>.<event> (CONTRACT §4).
func eventSubject(s natsbus.Subjects, e events.Event) string {
	return s.Event(e.Session, e.Subject, strings.TrimPrefix(e.Type, events.TypePrefix))
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
