// Package store opens the one bbolt file of a data directory. Each package
// that keeps state in it (outbox, idempotency, sessions, message index) owns
// its own buckets and creates them itself.
package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the bbolt file inside the data directory.
const FileName = "wabridge.db"

// Open opens (creating if needed) the bbolt database in dataDir. bbolt fsyncs
// every committed write transaction, which the outbox relies on.
func Open(dataDir string) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dataDir, FileName), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening bbolt store: %w", err)
	}
	return db, nil
}
