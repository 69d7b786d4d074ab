package httpadapter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// get does a GET with headers and returns the answer and its body.
func (e mediaEnv) get(t *testing.T, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func (e mediaEnv) put(t *testing.T, name string, b []byte, info mediastore.Info) mediastore.Info {
	t.Helper()
	got, err := e.store.Put(context.Background(), name, bytes.NewReader(b), info)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestGetMedia(t *testing.T) {
	e := newMediaEnv(t, nil)
	content := randomBytes(t, 400<<10) // several object chunks
	e.put(t, "m1.default", content, mediastore.Info{Mimetype: "image/jpeg", Filename: `a "b".jpg`})
	etag := `"` + hexSHA(content) + `"`

	resp, body := e.get(t, "/media/m1.default", nil)
	h := resp.Header
	if resp.StatusCode != 200 || !bytes.Equal(body, content) || h.Get("Content-Type") != "image/jpeg" ||
		h.Get("Content-Length") != fmt.Sprint(len(content)) || h.Get("ETag") != etag ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Accept-Ranges") != "bytes" ||
		h.Get("Content-Disposition") != `inline; filename="a \"b\".jpg"` {
		t.Fatalf("status %d, %d bytes %.200s, headers %v", resp.StatusCode, len(body), body, h)
	}

	resp, body = e.get(t, "/media/m1.default", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("If-None-Match: %d", resp.StatusCode)
	}
	for _, r := range []struct {
		rng      string
		from, to int // content[from:to]
	}{
		{"bytes=0-0", 0, 1}, {"bytes=10-19", 10, 20}, {"bytes=200000-", 200000, len(content)}, {"bytes=-5", len(content) - 5, len(content)},
	} {
		resp, body = e.get(t, "/media/m1.default", map[string]string{"Range": r.rng})
		want := fmt.Sprintf("bytes %d-%d/%d", r.from, r.to-1, len(content))
		if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, content[r.from:r.to]) || resp.Header.Get("Content-Range") != want {
			t.Fatalf("%s: %d, %d bytes, %s", r.rng, resp.StatusCode, len(body), resp.Header.Get("Content-Range"))
		}
	}
	resp, _ = e.get(t, "/media/m1.default", map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(content))})
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(content)) {
		t.Fatalf("unsatisfiable range: %d %v", resp.StatusCode, resp.Header)
	}
}

// Media from strangers never runs as a page of this origin.
func TestGetMediaDisposition(t *testing.T) {
	e := newMediaEnv(t, nil)
	for _, tc := range []struct{ mimetype, filename, want string }{
		{"text/html", "x.html", `attachment; filename=x.html`},
		{"image/svg+xml", "x.svg", `attachment; filename=x.svg`},
		{"application/pdf", "Report 2024.pdf", `attachment; filename="Report 2024.pdf"`},
		{"audio/ogg; codecs=opus", "", `inline; filename=m.default`},
		{"", "ünï.bin", `attachment; filename*=utf-8''%C3%BCn%C3%AF.bin`},
	} {
		e.put(t, "m.default", []byte("<script>alert(1)</script>"), mediastore.Info{Mimetype: tc.mimetype, Filename: tc.filename})
		resp, _ := e.get(t, "/media/m.default", nil)
		if got := resp.Header.Get("Content-Disposition"); got != tc.want {
			t.Errorf("%s %q: Content-Disposition %q, want %q", tc.mimetype, tc.filename, got, tc.want)
		}
		if tc.mimetype == "" && resp.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("no mimetype: Content-Type %q", resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
		}
	}
}

func TestGetMediaMissing(t *testing.T) {
	e := newMediaEnv(t, nil)
	resp, body := e.get(t, "/media/nothing.default", nil)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"NOT_FOUND"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// fetcher stores what it is asked for, as the media fetcher downloads a
// received media on demand.
type fetcher struct {
	mu    sync.Mutex
	store *mediastore.Store
	asked []string // session/id
	fail  error
}

func (f *fetcher) Fetch(ctx context.Context, session, id string) error {
	f.mu.Lock()
	f.asked = append(f.asked, session+"/"+id)
	f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	_, err := f.store.Put(ctx, id, strings.NewReader("downloaded "+id), mediastore.Info{Mimetype: "image/webp"})
	return err
}

func TestGetMediaFetchesMissing(t *testing.T) {
	f := &fetcher{}
	e := newMediaEnv(t, func(c *httpadapter.Config) { c.Media.Fetcher = f })
	f.store = e.store
	resp, body := e.get(t, "/media/late.work", map[string]string{"X-Session": "work"})
	if resp.StatusCode != 200 || string(body) != "downloaded late.work" || resp.Header.Get("Content-Type") != "image/webp" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	resp, _ = e.get(t, "/media/late.work", map[string]string{"X-Session": "work"})
	if resp.StatusCode != 200 || len(f.asked) != 1 || f.asked[0] != "work/late.work" {
		t.Fatalf("asked %v", f.asked)
	}
	f.fail = werr.New(werr.KindNotFound, werr.CodeMessageNotFound, "no message has media %s", "x")
	resp, body = e.get(t, "/media/unknown.default", nil)
	if resp.StatusCode != 404 || !strings.Contains(string(body), "MESSAGE_NOT_FOUND") || f.asked[1] != "default/unknown.default" {
		t.Fatalf("%d %s %v", resp.StatusCode, body, f.asked)
	}
	f.fail = errors.New("boom")
	resp, _ = e.get(t, "/media/broken.default", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("fetch failure: %d", resp.StatusCode)
	}
}

func TestGetMediaViewOnce(t *testing.T) {
	e := newMediaEnv(t, nil)
	content := randomBytes(t, 1000)
	e.put(t, "vo.default", content, mediastore.Info{Mimetype: "image/jpeg", Meta: map[string]string{"view_once": "true"}})
	// A range asks for part of it: seen once means whole.
	resp, body := e.get(t, "/media/vo.default", map[string]string{"Range": "bytes=0-9"})
	if resp.StatusCode != 200 || !bytes.Equal(body, content) || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("first view: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = e.get(t, "/media/vo.default", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("second view: %d", resp.StatusCode)
	}
	if _, err := e.store.Stat(context.Background(), "vo.default"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("view-once object still stored: %v", err)
	}
	// A HEAD shows nothing and keeps it.
	e.put(t, "vo2.default", content, mediastore.Info{Meta: map[string]string{"view_once": "true"}})
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+"/media/vo2.default", nil)
	hr, err := e.srv.Client().Do(req)
	if err != nil || hr.StatusCode != 200 {
		t.Fatalf("HEAD: %v %v", hr, err)
	}
	hr.Body.Close()
	if _, err := e.store.Stat(context.Background(), "vo2.default"); err != nil {
		t.Fatalf("HEAD deleted the view-once object: %v", err)
	}
}

func TestGetMediaNeedsAuth(t *testing.T) {
	e := newMediaEnv(t, func(c *httpadapter.Config) { c.Auth = httpadapter.Auth{BearerTokens: []string{"secret"}} })
	e.put(t, "m.default", []byte("x"), mediastore.Info{})
	if resp, _ := e.get(t, "/media/m.default", nil); resp.StatusCode != 401 {
		t.Fatalf("without credentials: %d", resp.StatusCode)
	}
	if resp, body := e.get(t, "/media/m.default", map[string]string{"Authorization": "Bearer secret"}); resp.StatusCode != 200 || string(body) != "x" {
		t.Fatalf("with credentials: %d", resp.StatusCode)
	}
}
