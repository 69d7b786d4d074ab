package commands

import (
	"encoding/json"
	"fmt"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/store"
)

// Buckets of the idempotency records, owned by this package.
var (
	bucketRecords = []byte("idempotency")
	// bucketByTime indexes records by the time they were stored
	// (8-byte big-endian unix nanoseconds + key), so pruning reads only
	// what expired instead of every record.
	bucketByTime = []byte("idempotency_by_time")
)

// pruneBatch bounds one pruning transaction, so a large backlog does not
// hold bbolt's single writer for long.
const pruneBatch = 1000

// record is what is kept per idempotency key besides the result event.
// Records written before the fingerprint existed decode with an empty one
// (and a "session" field that is ignored): such a record never matches a
// command, so it answers IDEMPOTENCY_CONFLICT rather than a success nobody
// can vouch for, until it is pruned.
type record struct {
	Name        string    `json:"name"`
	Fingerprint string    `json:"fingerprint,omitempty"`
	Stored      time.Time `json:"stored"`
}

type storedRecord struct {
	record
	Result json.RawMessage `json:"result"` // the result CloudEvent, JSON format
}

type idemStore struct{ db *store.DB }

func openIdemStore(db *store.DB) (*idemStore, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketRecords, bucketByTime} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("creating idempotency buckets: %w", err)
	}
	return &idemStore{db: db}, nil
}

// get returns the record of key unless it was stored before notBefore.
func (s *idemStore) get(key string, notBefore time.Time) (record, cloudevent.Event, bool, error) {
	var raw []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketRecords).Get([]byte(key)); v != nil {
			raw = append([]byte(nil), v...) // v is valid only inside the transaction
		}
		return nil
	})
	if err != nil || raw == nil {
		return record{}, cloudevent.Event{}, false, err
	}
	var sr storedRecord
	if err := json.Unmarshal(raw, &sr); err != nil {
		return record{}, cloudevent.Event{}, false, fmt.Errorf("decoding idempotency record: %w", err)
	}
	if sr.Stored.Before(notBefore) {
		return record{}, cloudevent.Event{}, false, nil
	}
	ev := cloudevent.New()
	if err := json.Unmarshal(sr.Result, &ev); err != nil {
		return record{}, cloudevent.Event{}, false, fmt.Errorf("decoding recorded result: %w", err)
	}
	return sr.record, ev, true, nil
}

// write returns the write that records the result of key (replacing an
// expired record not yet pruned), for the caller to commit together with
// the result's outbox entry. Encoding happens here, outside the
// transaction, so the write itself only puts bytes and is safe to repeat.
func (s *idemStore) write(key string, rec record, result cloudevent.Event) (store.Write, error) {
	ev, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("encoding result event: %w", err)
	}
	val, err := json.Marshal(storedRecord{record: rec, Result: ev})
	if err != nil {
		return nil, fmt.Errorf("encoding idempotency record: %w", err)
	}
	return func(tx *bolt.Tx) error {
		records, byTime := tx.Bucket(bucketRecords), tx.Bucket(bucketByTime)
		if old := records.Get([]byte(key)); old != nil {
			var prev storedRecord
			if json.Unmarshal(old, &prev) == nil {
				if err := byTime.Delete(timeKey(prev.Stored, key)); err != nil {
					return fmt.Errorf("unindexing old idempotency record: %w", err)
				}
			}
		}
		if err := records.Put([]byte(key), val); err != nil {
			return fmt.Errorf("storing idempotency record: %w", err)
		}
		if err := byTime.Put(timeKey(rec.Stored, key), nil); err != nil {
			return fmt.Errorf("indexing idempotency record: %w", err)
		}
		return nil
	}, nil
}

// prune removes the records stored before cutoff.
func (s *idemStore) prune(cutoff time.Time) (int, error) {
	total := 0
	for {
		n, err := s.pruneBatch(cutoff)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

func (s *idemStore) pruneBatch(cutoff time.Time) (int, error) {
	n := 0
	err := s.db.Commit(func(tx *bolt.Tx) error {
		records, byTime := tx.Bucket(bucketRecords), tx.Bucket(bucketByTime)
		limit := string(timeKey(cutoff, ""))
		// Collected first: deleting under a bbolt cursor makes it skip keys.
		var expired [][]byte
		c := byTime.Cursor()
		for k, _ := c.First(); k != nil && len(expired) < pruneBatch && string(k) < limit; k, _ = c.Next() {
			expired = append(expired, append([]byte(nil), k...))
		}
		for _, k := range expired {
			if err := records.Delete(k[8:]); err != nil {
				return err
			}
			if err := byTime.Delete(k); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}

func timeKey(t time.Time, key string) []byte { return store.TimeKey(t, []byte(key)) }
