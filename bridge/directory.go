package bridge

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"go.mau.fi/whatsmeow/types"

	istore "github.com/wabridge/wabridge/internal/store"
)

var (
	bucketSessions = []byte("sessions")
	// bucketPairing: session → identity public key of the device a login
	// in progress may pair, written before the login can pair it.
	bucketPairing = []byte("pairing")
)

// directory remembers which whatsmeow device belongs to which session, so a
// restarted process finds each session's device in the device store.
//
// whatsmeow saves a newly paired device itself (in its SQL store, during the
// pairing handshake) before it tells us, so the mapping cannot be written in
// the device's transaction. Instead a login first records which device it
// may pair (by its identity key, which pairing does not change); at start a
// session without a mapping but with such a record adopts that device if the
// store has it paired. A crash between whatsmeow's save and ours therefore
// loses nothing, and a mapping whose device is gone is dropped at start
// (Manager.loadDevice): neither half can stay without the other.
type directory struct {
	db *istore.DB
}

func newDirectory(db *istore.DB) (*directory, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketSessions); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bucketPairing)
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

// save maps session to its paired device and ends its pairing record, in
// one transaction.
func (d *directory) save(session string, jid types.JID) error {
	err := d.db.Commit(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketPairing).Delete([]byte(session)); err != nil {
			return err
		}
		return tx.Bucket(bucketSessions).Put([]byte(session), []byte(jid.String()))
	})
	if err != nil {
		return fmt.Errorf("saving device of session %s: %w", session, err)
	}
	return nil
}

func (d *directory) remove(session string) error {
	err := d.db.Commit(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(session))
	})
	if err != nil {
		return fmt.Errorf("removing device of session %s: %w", session, err)
	}
	return nil
}

// markPairing records that a login of session may pair the device with
// this identity key. It must be durable before the login connects.
func (d *directory) markPairing(session string, identityKey []byte) error {
	err := d.db.Commit(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPairing).Put([]byte(session), identityKey)
	})
	if err != nil {
		return fmt.Errorf("recording the login of session %s: %w", session, err)
	}
	return nil
}

// pairing returns the identity key a login of session was about to pair.
func (d *directory) pairing(session string) ([]byte, error) {
	var key []byte
	err := d.db.View(func(tx *bolt.Tx) error {
		key = bytes.Clone(tx.Bucket(bucketPairing).Get([]byte(session)))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the login record of session %s: %w", session, err)
	}
	return key, nil
}
