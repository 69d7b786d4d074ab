package mediastore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// pngHead is the start of a PNG: enough for the sniffer.
var pngHead = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

type resolverEnv struct {
	r   *mediastore.Resolver
	tmp string
}

func newResolver(t *testing.T, allow ...string) resolverEnv {
	t.Helper()
	st := openStore(t, startJetStream(t), mediastore.Config{})
	f, err := fetch.New(fetch.Config{Allow: allow, MaxBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	return resolverEnv{r: &mediastore.Resolver{Store: st, Fetcher: f, TempDir: tmp}, tmp: tmp}
}

// noSpoolLeft fails when a refused input left a temporary file behind.
func (e resolverEnv) noSpoolLeft(t *testing.T) {
	t.Helper()
	left, err := os.ReadDir(e.tmp)
	if err != nil || len(left) != 0 {
		t.Fatalf("temporary files left: %v, %v", left, err)
	}
}

// take reads a resolved Blob's bytes and removes it.
func take(t *testing.T, b *media.Blob) []byte {
	t.Helper()
	got, err := os.ReadFile(b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestResolveObject(t *testing.T) {
	ctx := context.Background()
	e := newResolver(t)
	content := append(append([]byte{}, pngHead...), randomBytes(t, 200<<10)...)
	if _, err := e.r.Store.Put(ctx, "photo.png", bytes.NewReader(content), mediastore.Info{Mimetype: "image/png", Filename: "me.png"}); err != nil {
		t.Fatal(err)
	}
	src, err := e.r.ResolveSource(ctx, "nats-object://WA_MEDIA/photo.png", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(take(t, src.Blob), content) || hexSHA(content) != hex.EncodeToString(src.Blob.SHA256) ||
		src.Blob.Mimetype != "image/png" || src.Mimetype != "image/png" || src.Filename != "me.png" {
		t.Fatalf("source = %+v blob %+v", src, src.Blob)
	}

	_, err = e.r.Resolve(ctx, "nats-object://WA_MEDIA/missing.png", 1<<20)
	wantCode(t, err, werr.CodeNotFound)
	_, err = e.r.Resolve(ctx, "nats-object://WA_MEDIA/photo.png", int64(len(content)-1))
	wantCode(t, err, werr.CodeMediaTooLarge)
	_, err = e.r.Resolve(ctx, "nats-object://OTHER/photo.png", 1<<20)
	wantCode(t, err, werr.CodeInvalidPayload)
	_, err = e.r.Resolve(ctx, "nats-object://WA_MEDIA/", 1<<20)
	wantCode(t, err, werr.CodeInvalidPayload)
	e.noSpoolLeft(t)
}

func TestResolveDataURL(t *testing.T) {
	ctx := context.Background()
	e := newResolver(t)
	content := append(append([]byte{}, pngHead...), randomBytes(t, 4096)...)
	enc := base64.StdEncoding.EncodeToString(content)

	b, err := e.r.Resolve(ctx, "data:image/png;base64,"+enc, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(take(t, b), content) || b.Mimetype != "image/png" {
		t.Fatalf("blob = %+v", b)
	}

	// The declared type lies: both are there for Prepare to judge.
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	src, err := e.r.ResolveSource(ctx, "data:image/jpeg;base64,"+base64.StdEncoding.EncodeToString(pdf), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	take(t, src.Blob)
	if src.Mimetype != "image/jpeg" || src.Blob.Mimetype != "application/pdf" {
		t.Fatalf("declared %q sniffed %q", src.Mimetype, src.Blob.Mimetype)
	}

	for _, bad := range []string{
		"data:image/png;base64," + enc[:len(enc)-3], // truncated
		"data:image/png;base64,@@@@",
		"data:image/png,plain",
	} {
		_, err := e.r.Resolve(ctx, bad, 1<<20)
		wantCode(t, err, werr.CodeInvalidPayload)
	}
	_, err = e.r.Resolve(ctx, "data:image/png;base64,"+enc, int64(len(content)-1))
	wantCode(t, err, werr.CodeMediaTooLarge)
	for _, bad := range []string{"", "photo.jpg", "ftp://example.com/x", "/9j/4AAQSkZJRg"} {
		_, err := e.r.Resolve(ctx, bad, 1<<20)
		wantCode(t, err, werr.CodeInvalidPayload)
	}
	e.noSpoolLeft(t)
}

func TestResolveURL(t *testing.T) {
	ctx := context.Background()
	content := append(append([]byte{}, pngHead...), randomBytes(t, 100<<10)...)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/404" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(content) //nolint:errcheck // test server
	}))
	t.Cleanup(srv.Close)

	// The default guard refuses the loopback server without contacting it.
	_, err := newResolver(t).r.Resolve(ctx, srv.URL+"/photo.png", 1<<20)
	wantCode(t, err, werr.CodeURLNotAllowed)
	_, err = newResolver(t).r.Resolve(ctx, "http://169.254.169.254/latest/meta-data/", 1<<20)
	wantCode(t, err, werr.CodeURLNotAllowed)
	if hits.Load() != 0 {
		t.Fatal("a refused url was fetched")
	}

	e := newResolver(t, "127.0.0.1/32")
	src, err := e.r.ResolveSource(ctx, srv.URL+"/dir/photo.png?x=1", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(take(t, src.Blob), content) || src.Mimetype != "image/png" || src.Filename != "photo.png" {
		t.Fatalf("source = %+v", src)
	}
	_, err = e.r.Resolve(ctx, srv.URL+"/404", 1<<20)
	wantCode(t, err, werr.CodeFetchFailed)
	_, err = e.r.Resolve(ctx, srv.URL+"/photo.png", 1000)
	wantCode(t, err, werr.CodeMediaTooLarge)
	e.noSpoolLeft(t)
}

// An endless body is cut at the limit: the server gets to send little more
// than the limit (socket buffers), and the resolver's memory does not grow
// with what the server would send.
func TestResolveURLOversizeBounded(t *testing.T) {
	const limit = 1 << 20
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte{0xab}, 32<<10)
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil || sent.Load() > 1<<30 {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	e := newResolver(t, "127.0.0.1/32")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := e.r.Resolve(context.Background(), srv.URL+"/endless", limit)
	runtime.ReadMemStats(&after)
	wantCode(t, err, werr.CodeMediaTooLarge)
	srv.CloseClientConnections()
	if s := sent.Load(); s > 64<<20 {
		t.Fatalf("the server sent %d bytes for a limit of %d", s, limit)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("resolving allocated %d bytes for a limit of %d", grew, limit)
	}
	e.noSpoolLeft(t)
}
