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
	return o.commitAll([]entry{{session: session, id: id, rec: rec}}, now, also)
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
