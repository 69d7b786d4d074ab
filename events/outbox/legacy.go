package outbox

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// legacyChunk bounds one migration transaction, so a large backlog left by
// an earlier version does not become one huge commit.
const legacyChunk = 4096

// migrateLegacy moves the entries of the earlier single queue into their
// sessions' queues, oldest first, before anything new is enqueued: so they
// keep their order ahead of the session's new events. Each gets the
// migration time as its enqueue time and its id in the emitted ledger. A
// record that does not decode goes to the dead bucket, as the publisher
// would have put it.
func (o *Outbox) migrateLegacy() error {
	for {
		moved := 0
		err := o.db.Update(func(tx *bolt.Tx) error {
			legacy := tx.Bucket([]byte(bucketLegacy))
			c := legacy.Cursor()
			for k, v := c.First(); k != nil && moved < legacyChunk; k, v = c.First() {
				if err := o.migrateOne(tx, k, v); err != nil {
					return err
				}
				if err := legacy.Delete(k); err != nil {
					return err
				}
				moved++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("moving entries of the earlier outbox format: %w", err)
		}
		if moved < legacyChunk {
			return nil
		}
	}
}

func (o *Outbox) migrateOne(tx *bolt.Tx, k, v []byte) error {
	rec, ce, err := decodeRecord(v)
	var session string
	if err == nil {
		session, err = o.checkSubject(rec.Subject)
	}
	if err != nil {
		return tx.Bucket([]byte(bucketOutboxDead)).Put(append([]byte(nil), k...), v)
	}
	now := o.now()
	rec.Session, rec.Enqueued = session, now
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := o.emitted.mark(tx, ce.ID(), now); err != nil {
		return err
	}
	return enqueue(tx, session, raw)
}
