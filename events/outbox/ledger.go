package outbox

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/store"
)

// bucketEmitted is the "already emitted" ledger: CloudEvent id → when it
// entered the outbox. JetStream's Nats-Msg-Id dedup window is short (an
// hour), but WhatsApp redelivers what it was not acked for after longer
// outages, and a replayed command result would be put again; the ledger
// keeps such an id out of the outbox for a horizon of days.
//
// It is kept in generations: sub-buckets named by the (big-endian unix
// nanosecond) instant their period ends, so pruning drops whole buckets
// instead of walking every id, and a lookup asks each live generation.
const bucketEmitted = "outbox_emitted"

// DefaultEmittedHorizon is how long an emitted id is remembered.
const DefaultEmittedHorizon = 7 * 24 * time.Hour

// generations is how many periods a horizon is split into: an id is kept
// between horizon and horizon·(1+1/generations).
const generations = 16

// ledger remembers emitted ids inside the outbox's transactions.
type ledger struct {
	horizon time.Duration
}

func (l ledger) period() time.Duration { return max(l.horizon/generations, time.Millisecond) }

// seen reports whether id was emitted within the horizon.
func (l ledger) seen(tx *bolt.Tx, id string) bool {
	c := tx.Bucket([]byte(bucketEmitted)).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v != nil { // not a generation bucket
			continue
		}
		if g := tx.Bucket([]byte(bucketEmitted)).Bucket(k); g != nil && g.Get([]byte(id)) != nil {
			return true
		}
	}
	return false
}

// mark records id as emitted at now, in the newest generation.
func (l ledger) mark(tx *bolt.Tx, id string, now time.Time) error {
	root := tx.Bucket([]byte(bucketEmitted))
	var g *bolt.Bucket
	if k, v := root.Cursor().Last(); k != nil && v == nil && now.UnixNano() < int64(binary.BigEndian.Uint64(k)) {
		g = root.Bucket(k)
	}
	if g == nil {
		end := now.Truncate(l.period()).Add(l.period())
		var err error
		if g, err = root.CreateBucketIfNotExists(timeKey(end)); err != nil {
			return fmt.Errorf("creating emitted-ledger generation: %w", err)
		}
	}
	return g.Put([]byte(id), timeKey(now))
}

// prune drops the generations that ended more than the horizon before now
// and reports how many ids went with them.
func (l ledger) prune(tx *bolt.Tx, now time.Time) (int, error) {
	root := tx.Bucket([]byte(bucketEmitted))
	cutoff := now.Add(-l.horizon).UnixNano()
	var old [][]byte
	n := 0
	c := root.Cursor()
	for k, v := c.First(); k != nil && int64(binary.BigEndian.Uint64(k)) <= cutoff; k, v = c.Next() {
		if v == nil {
			old = append(old, append([]byte(nil), k...))
			n += root.Bucket(k).Stats().KeyN
		}
	}
	for _, k := range old {
		if err := root.DeleteBucket(k); err != nil {
			return 0, fmt.Errorf("dropping emitted-ledger generation: %w", err)
		}
	}
	return n, nil
}

func timeKey(t time.Time) []byte { return store.TimeKey(t, nil) }
