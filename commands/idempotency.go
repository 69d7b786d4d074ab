package commands

import (
	"encoding/binary"
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
type record struct {
	Session string    `json:"session"`
	Name    string    `json:"name"`
	Stored  time.Time `json:"stored"`
}

type storedRecord struct {
	record
	Result json.RawMessage `json:"result"` // the result CloudEvent, JSON format
}

type idemStore struct {
	db    *store.DB
	group *store.Group // concurrent commands share commits
}

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
	return &idemStore{db: db, group: db.Group()}, nil
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

// put records the result of key, replacing an expired record not yet pruned.
func (s *idemStore) put(key string, rec record, result cloudevent.Event) error {
	ev, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("encoding result event: %w", err)
	}
	val, err := json.Marshal(storedRecord{record: rec, Result: ev})
	if err != nil {
		return fmt.Errorf("encoding idempotency record: %w", err)
	}
	err = s.group.Update(func(tx *bolt.Tx) error {
		records, byTime := tx.Bucket(bucketRecords), tx.Bucket(bucketByTime)
		if old := records.Get([]byte(key)); old != nil {
			var prev storedRecord
			if json.Unmarshal(old, &prev) == nil {
				if err := byTime.Delete(timeKey(prev.Stored, key)); err != nil {
					return err
				}
			}
		}
		if err := records.Put([]byte(key), val); err != nil {
			return err
		}
		return byTime.Put(timeKey(rec.Stored, key), nil)
	})
	if err != nil {
		return fmt.Errorf("storing idempotency record: %w", err)
	}
	return nil
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
	err := s.db.Update(func(tx *bolt.Tx) error {
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

func timeKey(t time.Time, key string) []byte {
	b := make([]byte, 8, 8+len(key))
	binary.BigEndian.PutUint64(b, uint64(t.UnixNano()))
	return append(b, key...)
}
