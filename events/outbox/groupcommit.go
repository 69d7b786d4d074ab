package outbox

import (
	"github.com/wabridge/wabridge/internal/store"
	bolt "go.etcd.io/bbolt"
)

// commit stores rec under the next sequence number and returns once it is
// committed. Concurrent emitters (many sessions) share one commit and its
// fsync through the store's Group; queue order is sequence order, so each
// emitter's events keep the order it put them in.
func (o *Outbox) commit(rec []byte, also []store.Write) error {
	return o.group.Update(func(tx *bolt.Tx) error {
		for _, w := range also {
			if w == nil {
				continue
			}
			if err := w(tx); err != nil {
				return err
			}
		}
		b := tx.Bucket([]byte(bucketOutbox))
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(seqKey(seq), rec)
	})
}
