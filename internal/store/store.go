// Package store opens the one bbolt file of a data directory. Each package
// that keeps state in it (outbox, idempotency, sessions, message index) owns
// its own buckets and creates them itself; all of them commit through the
// file's one Group, so that the writes of one command or one inbound event
// are one transaction and concurrent callers share fsyncs.
package store

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the bbolt file inside the data directory.
const FileName = "wabridge.db"

// Write is one part of a transaction: it runs inside a read-write bbolt
// transaction committed together with the other parts. Like every function
// given to a Group it may run more than once and must be safe to repeat.
type Write func(tx *bolt.Tx) error

// DB is the bbolt file with its one group-commit writer.
type DB struct {
	*bolt.DB
	group *Group
}

// Wrap makes db a DB with its own Group. Use it once per bbolt file: two
// Groups on one file would each wait for the other's commits.
func Wrap(db *bolt.DB) *DB { return &DB{DB: db, group: NewGroup(db)} }

// PrepareDir creates dataDir if needed and makes it 0700: it holds the
// linked devices' keys, so no other user of the machine may read it. An
// existing directory with wider permissions is narrowed; if that fails, the
// caller must refuse to run.
func PrepareDir(dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	if err := os.Chmod(dataDir, 0o700); err != nil {
		return fmt.Errorf("making data directory private (0700): %w", err)
	}
	fi, err := os.Stat(dataDir)
	if err != nil {
		return fmt.Errorf("checking data directory: %w", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		return fmt.Errorf("data directory %s has mode %04o after chmod, want 0700", dataDir, perm)
	}
	return nil
}

// Open opens (creating if needed) the bbolt database in dataDir, which it
// makes private first (PrepareDir). bbolt fsyncs every committed write
// transaction, which the outbox relies on.
func Open(dataDir string) (*DB, error) {
	if err := PrepareDir(dataDir); err != nil {
		return nil, err
	}
	db, err := bolt.Open(filepath.Join(dataDir, FileName), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening bbolt store: %w", err)
	}
	return Wrap(db), nil
}

// Commit runs every write in one read-write transaction shared with
// concurrent callers and returns once it is committed (fsynced) or failed.
// Nil writes are skipped.
func (db *DB) Commit(writes ...Write) error {
	return db.group.Update(func(tx *bolt.Tx) error {
		for _, w := range writes {
			if w == nil {
				continue
			}
			if err := w(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// Group is the file's group-commit writer, for callers that build the
// transaction's function themselves.
func (db *DB) Group() *Group { return db.group }

// TimeKey is a key that sorts by time: t as 8 big-endian bytes of unix
// nanoseconds (before 1970 as 0), then suffix. Indexes by time (for
// pruning) use it, so a cursor from the start reads the oldest first.
func TimeKey(t time.Time, suffix []byte) []byte {
	k := make([]byte, 8, 8+len(suffix))
	binary.BigEndian.PutUint64(k, uint64(max(t.UnixNano(), 0)))
	return append(k, suffix...)
}
