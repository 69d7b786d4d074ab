package outbox

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/store"
)

// commit stores rec under the next sequence number of session's queue, and
// id in the emitted ledger, unless the ledger has id already; the writes in
// also are applied either way. It returns once the transaction is
// committed. Concurrent emitters (many sessions) share one commit and its
// fsync through the store's Group; a queue's order is the order its entries
// were committed in.
func (o *Outbox) commit(session, id string, now time.Time, rec []byte, also []store.Write) error {
	return o.group.Update(func(tx *bolt.Tx) error {
		for _, w := range also {
			if w == nil {
				continue
			}
			if err := w(tx); err != nil {
				return err
			}
		}
		if o.emitted.seen(tx, id) {
			return nil
		}
		if err := o.emitted.mark(tx, id, now); err != nil {
			return err
		}
		return enqueue(tx, session, rec)
	})
}

// enqueue appends rec to session's queue.
func enqueue(tx *bolt.Tx, session string, rec []byte) error {
	q, err := tx.Bucket([]byte(bucketQueues)).CreateBucketIfNotExists([]byte(session))
	if err != nil {
		return fmt.Errorf("creating the outbox queue of session %s: %w", session, err)
	}
	seq, err := q.NextSequence()
	if err != nil {
		return err
	}
	return q.Put(seqKey(seq), rec)
}
