package mediastore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestPutGetStat(t *testing.T) {
	ctx := context.Background()
	js := startJetStream(t)
	st := openStore(t, js, mediastore.Config{})
	content := randomBytes(t, 300<<10) // several chunks
	put, err := st.Put(ctx, "upload/abc", bytes.NewReader(content), mediastore.Info{
		Mimetype: "image/jpeg", Filename: "photo.jpg", Meta: map[string]string{"view_once": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if put.SHA256 != hexSHA(content) || put.Size != int64(len(content)) || put.Name != "upload/abc" {
		t.Fatalf("put info = %+v", put)
	}
	rc, info, err := st.Get(ctx, "upload/abc")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	stat, err := st.Stat(ctx, "upload/abc")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []mediastore.Info{info, stat} {
		if i.SHA256 != put.SHA256 || i.Mimetype != "image/jpeg" || i.Filename != "photo.jpg" || i.Size != put.Size ||
			i.Meta["view_once"] != "true" || len(i.Meta) != 1 || i.Modified.IsZero() {
			t.Fatalf("info = %+v", i)
		}
	}
	// The hex sha256 is in the object's own metadata, for `nats object info`.
	obs, err := js.ObjectStore(ctx, mediastore.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obs.GetInfo(ctx, "upload/abc")
	if err != nil || raw.Metadata["sha256"] != put.SHA256 || raw.Metadata["mimetype"] != "image/jpeg" {
		t.Fatalf("raw metadata = %v, %v", raw, err)
	}
}

// Objects NATS callers put themselves have no metadata: the sha256 comes
// from the object store's digest.
func TestInfoOfForeignObject(t *testing.T) {
	ctx := context.Background()
	js := startJetStream(t)
	st := openStore(t, js, mediastore.Config{})
	obs, err := js.ObjectStore(ctx, mediastore.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("put with nats object put")
	if _, err := obs.PutBytes(ctx, "photo.jpg", content); err != nil {
		t.Fatal(err)
	}
	info, err := st.Stat(ctx, "photo.jpg")
	if err != nil || info.SHA256 != hexSHA(content) || info.Size != int64(len(content)) || info.Mimetype != "" {
		t.Fatalf("info = %+v, %v", info, err)
	}
}

func TestDeclaredSHA256Checked(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, startJetStream(t), mediastore.Config{})
	content := []byte("media bytes")
	if _, err := st.Put(ctx, "ok", bytes.NewReader(content), mediastore.Info{SHA256: hexSHA(content)}); err != nil {
		t.Fatal(err)
	}
	_, err := st.Put(ctx, "bad", bytes.NewReader(content), mediastore.Info{SHA256: hexSHA([]byte("other"))})
	wantCode(t, err, werr.CodeInvalidPayload)
	_, err = st.Stat(ctx, "bad")
	wantCode(t, err, werr.CodeNotFound)
}

func TestMissingObjectNotFound(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, startJetStream(t), mediastore.Config{})
	_, _, err := st.Get(ctx, "nothing")
	wantCode(t, err, werr.CodeNotFound)
	_, err = st.Stat(ctx, "nothing")
	wantCode(t, err, werr.CodeNotFound)
	wantCode(t, st.Delete(ctx, "nothing"), werr.CodeNotFound)
	_, err = st.Stat(ctx, "")
	wantCode(t, err, werr.CodeNotFound)
	if _, err := st.Put(ctx, "gone", bytes.NewReader([]byte("x")), mediastore.Info{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	_, _, err = st.Get(ctx, "gone")
	wantCode(t, err, werr.CodeNotFound)
}

// Open applies the retention to an existing bucket too.
func TestOpenUpdatesRetention(t *testing.T) {
	ctx := context.Background()
	js := startJetStream(t)
	openStore(t, js, mediastore.Config{MaxAge: time.Hour})
	openStore(t, js, mediastore.Config{MaxAge: 48 * time.Hour, MaxBytes: 1 << 30})
	// The bucket is the stream OBJ_<bucket>.
	stream, err := js.Stream(ctx, "OBJ_"+mediastore.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	cfg := stream.CachedInfo().Config
	if cfg.MaxAge != 48*time.Hour || cfg.MaxBytes != 1<<30 {
		t.Fatalf("max age %s max bytes %d", cfg.MaxAge, cfg.MaxBytes)
	}
}

func TestFullBucketRefusesNewObjects(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, startJetStream(t), mediastore.Config{MaxBytes: 256 << 10})
	_, err := st.Put(ctx, "big", bytes.NewReader(randomBytes(t, 1<<20)), mediastore.Info{})
	wantCode(t, err, werr.CodeMediaTooLarge)
}

func TestConfigValidate(t *testing.T) {
	for _, bad := range []mediastore.Config{{Bucket: "WA.MEDIA"}, {MaxAge: -time.Second}, {MaxBytes: -1}, {Replicas: 6}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if err := (mediastore.Config{Bucket: "MY_MEDIA-2", MaxAge: time.Hour, Replicas: 3}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// New asks nothing of JetStream; the first use makes the bucket.
func TestNewOpensOnFirstUse(t *testing.T) {
	ctx := context.Background()
	js := startJetStream(t)
	st, err := mediastore.New(js, mediastore.Config{MaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.ObjectStore(ctx, mediastore.DefaultBucket); err == nil {
		t.Fatal("New created the bucket")
	}
	_, err = st.Stat(ctx, "x")
	wantCode(t, err, werr.CodeNotFound)
	if _, err := js.ObjectStore(ctx, mediastore.DefaultBucket); err != nil {
		t.Fatalf("first use did not create the bucket: %v", err)
	}
	if _, err := mediastore.New(js, mediastore.Config{Bucket: "no.dots"}); err == nil {
		t.Fatal("invalid bucket accepted")
	}
}

// trickle returns at most 4 KiB per Read, as a multipart part does.
type trickle struct{ r io.Reader }

func (t trickle) Read(p []byte) (int, error) { return t.r.Read(p[:min(len(p), 4096)]) }

// A reader that returns little per Read is still stored in full chunks:
// one publish per 128 KiB, not per Read.
func TestPutFillsChunks(t *testing.T) {
	ctx := context.Background()
	js := startJetStream(t)
	st := openStore(t, js, mediastore.Config{})
	content := randomBytes(t, 1<<20)
	if _, err := st.Put(ctx, "trickled", trickle{bytes.NewReader(content)}, mediastore.Info{}); err != nil {
		t.Fatal(err)
	}
	obs, err := js.ObjectStore(ctx, mediastore.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obs.GetInfo(ctx, "trickled")
	if err != nil || raw.Chunks != 8 || raw.Size != 1<<20 {
		t.Fatalf("stored in %d chunks (%d bytes), want 8: %v", raw.Chunks, raw.Size, err)
	}
}
