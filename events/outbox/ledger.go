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
// instead of walking every id, and a lookup asks each live generation and
// its young bucket (see youngLimit).
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

// youngLimit is how many ids a generation's young bucket takes before they
// are merged into the generation itself.
//
// Ids are hashes, so every id put into a large bucket lands on a leaf page
// of its own: a history blob of 200 messages rewrote about 200 of the
// ledger's pages at its commit, half of all it wrote. A young bucket stays
// a few dozen pages, so a commit rewrites at most those; a merge then
// writes the generation's pages once for youngLimit ids. Past
// youngLimit·(ids per page) ids in one generation a merge writes a page
// per id again, as before, but in one commit of many.
const youngLimit = 2048

// youngSuffix makes a generation's key the key of its young bucket, which
// sorts right after it and lives and is pruned with it.
const youngSuffix = 'y'

// mark records id as emitted at now, in the newest generation's young
// bucket, merging that into the generation once it holds youngLimit ids.
func (l ledger) mark(tx *bolt.Tx, id string, now time.Time) error {
	root := tx.Bucket([]byte(bucketEmitted))
	gen := l.newest(root, now)
	young, err := root.CreateBucketIfNotExists(append(gen, youngSuffix))
	if err != nil {
		return fmt.Errorf("creating emitted-ledger generation: %w", err)
	}
	if err := young.Put([]byte(id), timeKey(now)); err != nil {
		return err
	}
	// The sequence counts the young bucket's ids: no id is marked twice
	// (commitAll marks only what it has not seen).
	n := young.Sequence() + 1
	if n < youngLimit {
		return young.SetSequence(n)
	}
	return mergeYoung(root, gen)
}

// newest is the key of the generation ids marked at now go to: the newest
// one while it has not ended, else a new one ending at the next multiple
// of the period.
func (l ledger) newest(root *bolt.Bucket, now time.Time) []byte {
	if k, v := root.Cursor().Last(); len(k) >= 8 && v == nil && now.UnixNano() < int64(binary.BigEndian.Uint64(k)) {
		return append([]byte(nil), k[:8]...)
	}
	return timeKey(now.Truncate(l.period()).Add(l.period()))
}

// mergeYoung moves the young bucket's ids into generation gen, in key
// order, and drops the young bucket.
func mergeYoung(root *bolt.Bucket, gen []byte) error {
	g, err := root.CreateBucketIfNotExists(gen)
	if err != nil {
		return fmt.Errorf("creating emitted-ledger generation: %w", err)
	}
	youngKey := append(append([]byte(nil), gen...), youngSuffix)
	young := root.Bucket(youngKey)
	err = young.ForEach(func(k, v []byte) error {
		return g.Put(append([]byte(nil), k...), append([]byte(nil), v...))
	})
	if err != nil {
		return fmt.Errorf("merging emitted-ledger ids: %w", err)
	}
	return root.DeleteBucket(youngKey)
}

// prune drops the generations that ended more than the horizon before now
// and reports how many ids went with them.
func (l ledger) prune(tx *bolt.Tx, now time.Time) (int, error) {
	root := tx.Bucket([]byte(bucketEmitted))
	cutoff := now.Add(-l.horizon).UnixNano()
	var old [][]byte
	n := 0
	c := root.Cursor()
	for k, v := c.First(); len(k) >= 8 && int64(binary.BigEndian.Uint64(k)) <= cutoff; k, v = c.Next() {
		if v == nil { // a generation or its young bucket
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
