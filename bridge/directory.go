package bridge

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
	"go.mau.fi/whatsmeow/types"

	istore "github.com/wabridge/wabridge/internal/store"
)

var bucketSessions = []byte("sessions")

// directory remembers which whatsmeow device belongs to which session, so a
// restarted process finds each session's device in the device store.
type directory struct {
	db *istore.DB
}

func newDirectory(db *istore.DB) (*directory, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketSessions)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("creating sessions bucket: %w", err)
	}
	return &directory{db: db}, nil
}

// device returns the device JID of a session; ok is false when it has none.
func (d *directory) device(session string) (jid types.JID, ok bool, err error) {
	var raw string
	err = d.db.View(func(tx *bolt.Tx) error {
		raw = string(tx.Bucket(bucketSessions).Get([]byte(session)))
		return nil
	})
	if err != nil {
		return types.JID{}, false, fmt.Errorf("reading device of session %s: %w", session, err)
	}
	if raw == "" {
		return types.JID{}, false, nil
	}
	jid, err = types.ParseJID(raw)
	if err != nil {
		return types.JID{}, false, fmt.Errorf("parsing device JID of session %s: %w", session, err)
	}
	return jid, true, nil
}

func (d *directory) save(session string, jid types.JID) error {
	err := d.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Put([]byte(session), []byte(jid.String()))
	})
	if err != nil {
		return fmt.Errorf("saving device of session %s: %w", session, err)
	}
	return nil
}

func (d *directory) remove(session string) error {
	err := d.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(session))
	})
	if err != nil {
		return fmt.Errorf("removing device of session %s: %w", session, err)
	}
	return nil
}
