package bridge

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/internal/store"
)

// An upload is reused for a week, then neither answered nor kept: a later
// put prunes it.
func TestUploadCacheForgetsAfterAWeek(t *testing.T) {
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	c := uploadCache{db: db, now: func() time.Time { return now }}
	old := upload{At: t0, UploadResponse: whatsmeow.UploadResponse{DirectPath: "/old", MediaKey: []byte{1}, FileLength: 3}}
	if err := c.put([]byte("a"), old); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(6 * 24 * time.Hour)
	if got, ok, err := c.get([]byte("a")); err != nil || !ok || got.DirectPath != "/old" || got.FileLength != 3 || !got.At.Equal(t0) {
		t.Fatalf("within a week: %+v %v %v", got, ok, err)
	}
	now = t0.Add(uploadReuse)
	if _, ok, _ := c.get([]byte("a")); ok {
		t.Fatal("a week-old upload was reused")
	}
	if err := c.put([]byte("b"), upload{At: now, UploadResponse: whatsmeow.UploadResponse{DirectPath: "/new"}}); err != nil {
		t.Fatal(err)
	}
	var keys, times int
	_ = db.View(func(tx *bolt.Tx) error {
		keys, times = tx.Bucket(bucketUploads).Stats().KeyN, tx.Bucket(bucketUploadsByTime).Stats().KeyN
		return nil
	})
	if keys != 1 || times != 1 {
		t.Fatalf("after pruning %d uploads and %d time entries are kept, want 1 and 1", keys, times)
	}
}
