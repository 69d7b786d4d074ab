package bridge

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/store"
)

// pruneChunk bounds one pruning transaction, so sessions writing to the
// index never wait long behind it.
const pruneChunk = 1000

func timeKey(ts time.Time, chatKey []byte) []byte { return store.TimeKey(ts, chatKey) }

// Prune removes the messages of every session older than before and reports
// how many went. Replies to them then fail with MESSAGE_NOT_FOUND, as for
// any message the bridge never saw.
func (x *MessageIndex) Prune(before time.Time) (int, error) {
	var sessions [][]byte
	err := x.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMessages).ForEachBucket(func(k []byte) error {
			sessions = append(sessions, bytes.Clone(k))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("listing indexed sessions: %w", err)
	}
	limit := timeKey(before, nil)
	total := 0
	for _, session := range sessions {
		for {
			n, err := x.pruneSome(session, limit)
			total += n
			if err != nil {
				return total, fmt.Errorf("pruning message index of %s: %w", session, err)
			}
			if n < pruneChunk {
				break
			}
		}
	}
	return total, nil
}

// pruneSome removes up to pruneChunk messages of one session older than limit.
func (x *MessageIndex) pruneSome(session, limit []byte) (int, error) {
	n := 0
	err := x.db.Group().Update(func(tx *bolt.Tx) error {
		n = 0
		sess := tx.Bucket(bucketMessages).Bucket(session)
		byTime := sess.Bucket(bucketByTime)
		if byTime == nil {
			return nil
		}
		byChat, byID := sess.Bucket(bucketByChat), sess.Bucket(bucketByID)
		c := byTime.Cursor()
		for k, _ := c.First(); k != nil && n < pruneChunk && bytes.Compare(k[:8], limit) < 0; k, _ = c.First() {
			ck := k[8:]
			if err := byChat.Delete(ck); err != nil {
				return err
			}
			if chat, id, ok := bytes.Cut(ck, []byte{0}); ok && bytes.Equal(byID.Get(id), chat) {
				if err := byID.Delete(id); err != nil {
					return err
				}
			}
			if err := byTime.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
