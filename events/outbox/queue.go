package outbox

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	bolt "go.etcd.io/bbolt"
)

// Buckets of the outbox in the shared bbolt file.
const (
	// bucketQueues holds one bucket per session, its entries under
	// big-endian sequence numbers.
	bucketQueues = "outbox_sessions"
	// bucketLegacy is the single queue of earlier versions (sequence →
	// {subject, event}); New moves what it finds there into bucketQueues.
	bucketLegacy = "outbox"
	// bucketOutboxDead keeps entries that can never be published (they no
	// longer decode, or the server refuses them as too large), so one such
	// record neither blocks publication forever nor is thrown away. Keys
	// are <session>\x00<sequence> (a bare sequence for legacy entries).
	bucketOutboxDead = "outbox_dead"
)

// record is an outbox entry as earlier versions stored it (entries are now
// stored in their wire form, wireEntry): the target subject and the
// CloudEvent in the structured JSON format, with its session and when it
// was enqueued (for the backlog's age). The oldest have only subject and
// event. The publisher still reads them.
type record struct {
	Session  string          `json:"session,omitempty"`
	Subject  string          `json:"subject"`
	Enqueued time.Time       `json:"enqueued,omitzero"`
	Event    json.RawMessage `json:"event"`
}

// storedEntry is a record as read back, with its position in its queue.
type storedEntry struct {
	key uint64
	raw []byte
}

// queue is session's bucket, nil while it never had an entry.
func queue(tx *bolt.Tx, session string) *bolt.Bucket {
	return tx.Bucket([]byte(bucketQueues)).Bucket([]byte(session))
}

// Len is the number of entries stored: waiting for publication, or
// published and waiting to be durable in the stream (Unpublished counts
// only the former).
func (o *Outbox) Len() (int, error) {
	var n int
	err := o.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketQueues)).ForEachBucket(func(k []byte) error {
			n += tx.Bucket([]byte(bucketQueues)).Bucket(k).Stats().KeyN
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("counting outbox entries: %w", err)
	}
	return n, nil
}

// sessions are the sessions that have a queue.
func (o *Outbox) sessions() ([]string, error) {
	var out []string
	err := o.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketQueues)).ForEachBucket(func(k []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("listing outbox queues: %w", err)
	}
	return out, nil
}

// after returns up to n entries of session's queue stored under keys above
// key, oldest first.
func (o *Outbox) after(session string, key uint64, n int) ([]storedEntry, error) {
	var out []storedEntry
	err := o.db.View(func(tx *bolt.Tx) error {
		q := queue(tx, session)
		if q == nil {
			return nil
		}
		c := q.Cursor()
		for k, v := c.Seek(seqKey(key + 1)); k != nil && len(out) < n; k, v = c.Next() {
			out = append(out, storedEntry{key: binary.BigEndian.Uint64(k), raw: append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading outbox of session %s: %w", session, err)
	}
	return out, nil
}

// remove deletes published entries of session in one transaction (one fsync).
func (o *Outbox) remove(session string, keys []uint64) error {
	if len(keys) == 0 {
		return nil
	}
	err := o.db.Update(func(tx *bolt.Tx) error {
		q := queue(tx, session)
		if q == nil {
			return nil
		}
		for _, k := range keys {
			if err := q.Delete(seqKey(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("removing %d published entries of session %s from outbox: %w", len(keys), session, err)
	}
	return nil
}

// bury moves an entry that can never be published to the dead bucket.
func (o *Outbox) bury(session string, key uint64) error {
	err := o.db.Update(func(tx *bolt.Tx) error {
		q := queue(tx, session)
		var v []byte
		if q != nil {
			v = q.Get(seqKey(key))
		}
		if v == nil {
			return errors.New("entry vanished")
		}
		if err := tx.Bucket([]byte(bucketOutboxDead)).Put(deadKey(session, key), v); err != nil {
			return err
		}
		return q.Delete(seqKey(key))
	})
	if err != nil {
		return fmt.Errorf("moving outbox entry %d of session %s aside: %w", key, session, err)
	}
	return nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func deadKey(session string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(session), 0), seq)
}

// decodeRecord reads a stored record back into its subject and CloudEvent.
func decodeRecord(raw []byte) (record, event.Event, error) {
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return record{}, event.Event{}, fmt.Errorf("decoding outbox record: %w", err)
	}
	ce := event.New()
	if err := json.Unmarshal(rec.Event, &ce); err != nil {
		return record{}, event.Event{}, fmt.Errorf("decoding outbox cloudevent: %w", err)
	}
	if rec.Subject == "" {
		return record{}, event.Event{}, errors.New("decoding outbox record: no subject")
	}
	return rec, ce, nil
}
