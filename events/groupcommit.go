package events

import (
	bolt "go.etcd.io/bbolt"
)

// commit stores rec under the next sequence number and returns once it is
// committed. Concurrent emitters (many sessions) share one commit and its
// fsync through the store's Group; queue order is sequence order, so each
// emitter's events keep the order it put them in.
func (o *Outbox) commit(rec []byte) error {
	return o.group.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOutbox))
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(seqKey(seq), rec)
	})
}
