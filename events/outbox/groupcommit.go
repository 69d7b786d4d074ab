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

// queueFill is how full a queue's pages are filled before they split. A
// queue is only ever appended to, so a split page is never written into
// again: bbolt's default (half) left every page of a history sync half
// empty, twice the pages to write at each commit and to read when
// publishing.
const queueFill = 0.95

// enqueue appends rec to session's queue.
func enqueue(tx *bolt.Tx, session string, rec []byte) error {
	q, err := tx.Bucket([]byte(bucketQueues)).CreateBucketIfNotExists([]byte(session))
	if err != nil {
		return fmt.Errorf("creating the outbox queue of session %s: %w", session, err)
	}
	q.FillPercent = queueFill
	seq, err := q.NextSequence()
	if err != nil {
		return err
	}
	return q.Put(seqKey(seq), rec)
}
