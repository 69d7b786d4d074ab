package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.mau.fi/whatsmeow"

	"github.com/wabridge/wabridge/internal/store"
)

// uploadReuse is how long an upload is reused: WhatsApp's CDN keeps media
// for some weeks, and a retried command comes within its lifetime (a day
// by default), so a week is well inside both.
const uploadReuse = 7 * 24 * time.Hour

// uploadPruneChunk bounds the expired entries one put removes, so a put
// never waits long; puts outnumber what expires in the same time.
const uploadPruneChunk = 64

var (
	bucketUploads       = []byte("media_uploads")
	bucketUploadsByTime = []byte("media_uploads_by_time")
)

// upload is an upload on WhatsApp's CDN and when it was made.
type upload struct {
	whatsmeow.UploadResponse
	At time.Time
}

// keyTimestamp is the message's MediaKeyTimestamp: when the key was made.
func (u upload) keyTimestamp() *int64 {
	if u.At.IsZero() {
		return nil
	}
	ts := u.At.Unix()
	return &ts
}

// storedUpload is an upload as the cache keeps it (UploadResponse hides
// its keys from JSON).
type storedUpload struct {
	URL           string    `json:"url"`
	DirectPath    string    `json:"direct_path"`
	Handle        string    `json:"handle,omitempty"`
	ObjectID      string    `json:"object_id,omitempty"`
	MediaKey      []byte    `json:"media_key"`
	FileEncSHA256 []byte    `json:"file_enc_sha256"`
	FileSHA256    []byte    `json:"file_sha256"`
	FileLength    uint64    `json:"file_length"`
	At            time.Time `json:"at"`
}

// uploadCache remembers uploads by what was uploaded, in its own bucket of
// the data directory's bbolt file, so that a retried command (the process
// restarted, or the send failed after the upload) sends the same upload
// again instead of uploading twice.
type uploadCache struct {
	db  *store.DB
	now func() time.Time
}

// get finds the upload kept under key that is still within uploadReuse.
func (c uploadCache) get(key []byte) (upload, bool, error) {
	var s storedUpload
	found := false
	err := c.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUploads)
		if b == nil {
			return nil
		}
		v := b.Get(key)
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &s)
	})
	if err != nil {
		return upload{}, false, fmt.Errorf("reading the upload cache: %w", err)
	}
	if !found || c.now().Sub(s.At) >= uploadReuse {
		return upload{}, false, nil
	}
	return upload{At: s.At, UploadResponse: whatsmeow.UploadResponse{
		URL: s.URL, DirectPath: s.DirectPath, Handle: s.Handle, ObjectID: s.ObjectID,
		MediaKey: s.MediaKey, FileEncSHA256: s.FileEncSHA256, FileSHA256: s.FileSHA256, FileLength: s.FileLength,
	}}, true, nil
}

// put keeps u under key and removes some entries past uploadReuse.
func (c uploadCache) put(key []byte, u upload) error {
	v, err := json.Marshal(storedUpload{
		URL: u.URL, DirectPath: u.DirectPath, Handle: u.Handle, ObjectID: u.ObjectID,
		MediaKey: u.MediaKey, FileEncSHA256: u.FileEncSHA256, FileSHA256: u.FileSHA256, FileLength: u.FileLength, At: u.At,
	})
	if err != nil {
		return fmt.Errorf("encoding an upload: %w", err)
	}
	err = c.db.Group().Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketUploads)
		if err != nil {
			return err
		}
		byTime, err := tx.CreateBucketIfNotExists(bucketUploadsByTime)
		if err != nil {
			return err
		}
		if err := b.Put(key, v); err != nil {
			return err
		}
		if err := byTime.Put(store.TimeKey(u.At, key), nil); err != nil {
			return err
		}
		return pruneUploads(b, byTime, c.now().Add(-uploadReuse))
	})
	if err != nil {
		return fmt.Errorf("keeping an upload: %w", err)
	}
	return nil
}

// pruneUploads removes up to uploadPruneChunk entries made at or before
// limit (get no longer answers them).
// An entry whose key was put again later keeps its newer value.
func pruneUploads(b, byTime *bolt.Bucket, limit time.Time) error {
	lk := store.TimeKey(limit, nil)
	c := byTime.Cursor()
	for n := 0; n < uploadPruneChunk; n++ {
		k, _ := c.First()
		if k == nil || bytes.Compare(k[:8], lk) > 0 {
			return nil
		}
		key := k[8:]
		var s storedUpload
		if v := b.Get(key); v != nil && json.Unmarshal(v, &s) == nil && !s.At.After(limit) {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
		if err := byTime.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
