package httpadapter_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/mediastore"
)

type part struct {
	from, to int // content[from:to]
}

// byteranges reads a multipart/byteranges answer into its parts' bodies,
// checking each part's Content-Range and Content-Type.
func byteranges(t *testing.T, resp *http.Response, body []byte, size int, ct string, want []part) [][]byte {
	t.Helper()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusPartialContent || err != nil || mt != "multipart/byteranges" {
		t.Fatalf("status %d, Content-Type %q (%v): want 206 multipart/byteranges", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var got [][]byte
	for i := 0; ; i++ {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("more than %d parts", len(want))
		}
		if cr := p.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes %d-%d/%d", want[i].from, want[i].to-1, size) || p.Header.Get("Content-Type") != ct {
			t.Fatalf("part %d: Content-Range %q, Content-Type %q", i, cr, p.Header.Get("Content-Type"))
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	if len(got) != len(want) {
		t.Fatalf("%d parts, want %d", len(got), len(want))
	}
	return got
}

// Several ranges are answered as net/http answers them, 206 with one part
// each (in order, out of order, suffix), over an object of several chunks.
func TestGetMediaSeveralRanges(t *testing.T) {
	e := newMediaEnv(t, nil)
	content := randomBytes(t, 400<<10)
	e.put(t, "m1.default", content, mediastore.Info{Mimetype: "image/jpeg"})
	for _, tc := range []struct {
		rng   string
		parts []part
	}{
		{"bytes=0-9,20-29", []part{{0, 10}, {20, 30}}},
		{"bytes=300000-300099, 5-6", []part{{300000, 300100}, {5, 7}}},
		{"bytes=100-199,-10", []part{{100, 200}, {len(content) - 10, len(content)}}},
		{"bytes=0-0,200000-200001,409599-", []part{{0, 1}, {200000, 200002}, {len(content) - 1, len(content)}}},
	} {
		resp, body := e.get(t, "/media/m1.default", map[string]string{"Range": tc.rng})
		for i, b := range byteranges(t, resp, body, len(content), "image/jpeg", tc.parts) {
			if p := tc.parts[i]; !bytes.Equal(b, content[p.from:p.to]) {
				t.Fatalf("%s: part %d differs", tc.rng, i)
			}
		}
	}
}

// More than 16 ranges are refused; ranges overlapping to more than the
// object are answered with the whole object; a view-once media is served
// whole whatever the ranges.
func TestGetMediaRangeAbuse(t *testing.T) {
	e := newMediaEnv(t, nil)
	content := randomBytes(t, 1000)
	e.put(t, "m1.default", content, mediastore.Info{Mimetype: "application/pdf"})
	var many []string
	for i := range 17 {
		many = append(many, fmt.Sprintf("%d-%d", i*10, i*10+1))
	}
	resp, _ := e.get(t, "/media/m1.default", map[string]string{"Range": "bytes=" + strings.Join(many, ",")})
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable || resp.Header.Get("Content-Range") != "bytes */1000" {
		t.Fatalf("17 ranges: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body := e.get(t, "/media/m1.default", map[string]string{"Range": "bytes=" + strings.Join(many[:16], ",")})
	if len(byteranges(t, resp, body, 1000, "application/pdf", func() []part {
		var p []part
		for i := range 16 {
			p = append(p, part{i * 10, i*10 + 2})
		}
		return p
	}())) != 16 {
		t.Fatal("16 ranges not served")
	}
	resp, body = e.get(t, "/media/m1.default", map[string]string{"Range": "bytes=0-999,0-999"})
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, content) {
		t.Fatalf("overlapping ranges: %d, %d bytes", resp.StatusCode, len(body))
	}
	e.put(t, "vo.default", content, mediastore.Info{Mimetype: "image/jpeg", Meta: map[string]string{"view_once": "true"}})
	resp, body = e.get(t, "/media/vo.default", map[string]string{"Range": "bytes=0-1,5-6"})
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, content) {
		t.Fatalf("view-once with ranges: %d, %d bytes", resp.StatusCode, len(body))
	}
}

// countingStore counts the object reads it passes on.
type countingStore struct {
	httpadapter.MediaStore
	mu   sync.Mutex
	gets int
}

func (s *countingStore) Get(ctx context.Context, name string) (io.ReadCloser, mediastore.Info, error) {
	s.mu.Lock()
	s.gets++
	s.mu.Unlock()
	return s.MediaStore.Get(ctx, name)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

// Ranges in order are one pass over the object: the open stream skips
// forward rather than the object being opened again for each part.
func TestGetMediaRangesInOrderReadOnce(t *testing.T) {
	var cs *countingStore
	e := newMediaEnv(t, func(c *httpadapter.Config) {
		cs = &countingStore{MediaStore: c.Media.Store}
		c.Media.Store = cs
	})
	content := randomBytes(t, 400<<10)
	e.put(t, "m1.default", content, mediastore.Info{Mimetype: "image/jpeg"})
	resp, body := e.get(t, "/media/m1.default", map[string]string{"Range": "bytes=10-19,100000-100009,300000-300009"})
	byteranges(t, resp, body, len(content), "image/jpeg", []part{{10, 20}, {100000, 100010}, {300000, 300010}})
	if n := cs.count(); n != 1 {
		t.Fatalf("the object was read %d times for three ranges in order", n)
	}
}
