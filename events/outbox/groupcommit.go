package outbox

import (
	"github.com/wabridge/wabridge/internal/store"
	bolt "go.etcd.io/bbolt"
)

// commit stores rec under the next sequence number, and id in the emitted
// ledger, unless the ledger has id already; it returns once it is
// committed. Concurrent emitters (many sessions) share one commit and its
// fsync through the store's Group; queue order is sequence order, so each
// emitter's events keep the order it put them in.
func (o *Outbox) commit(id string, rec []byte, also []store.Write) error {
	now := o.now()
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
		b := tx.Bucket([]byte(bucketOutbox))
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(seqKey(seq), rec)
	})
}
