package httpadapter_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// memStore is a media store in memory, for the fuzzer.
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

var _ httpadapter.MediaStore = (*memStore)(nil)

func (m *memStore) Bucket() string { return mediastore.DefaultBucket }

func (m *memStore) Put(_ context.Context, name string, r io.Reader, info mediastore.Info) (mediastore.Info, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return mediastore.Info{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[name] = b
	sum := sha256.Sum256(b)
	info.Name, info.Size, info.SHA256 = name, int64(len(b)), hex.EncodeToString(sum[:])
	return info, nil
}

func (m *memStore) Get(ctx context.Context, name string) (io.ReadCloser, mediastore.Info, error) {
	info, err := m.Stat(ctx, name)
	if err != nil {
		return nil, info, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return io.NopCloser(bytes.NewReader(m.objects[name])), info, nil
}

func (m *memStore) Stat(_ context.Context, name string) (mediastore.Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[name]
	if !ok {
		return mediastore.Info{}, werr.New(werr.KindNotFound, werr.CodeNotFound, "no object %s", name)
	}
	return mediastore.Info{Name: name, Size: int64(len(b))}, nil
}

func (m *memStore) Delete(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, name)
	return nil
}

// FuzzMultipart feeds untrusted multipart bodies to a media route: the
// adapter never answers 5xx, a refused body leaves nothing stored, and an
// accepted one carries, in each file field, the reference of a stored
// object within its kind's limit.
func FuzzMultipart(f *testing.F) {
	seed := func(parts ...formPart) string {
		_, body := multipartBodyBoundary(f, "BOUNDARY", parts...)
		return body
	}
	f.Add(seed(text("phone", "4917612345678"), text("caption", "hi"), text("view_once", "true"), file("image", "a.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0JFIF"))))
	f.Add(seed(file("image", "a.jpg", "", bytes.Repeat([]byte("x"), 300))))
	f.Add(seed(text("phone", "1"), text("phone", "2")))
	f.Add(seed(file("phone", "p", "", []byte("1"))))
	f.Add(seed(text("mentions", "a"), text("mentions", "b"), text("duration", "12"), text("reply_message_id", "false_1@g.us_x")))
	f.Add("--BOUNDARY\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=41=42\r\n--BOUNDARY--\r\n")
	f.Add("--BOUNDARY\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x\"\r\n\r\nunterminated")
	f.Add("--BOUNDARY--\r\n")
	f.Add("")
	const limit = 256
	f.Fuzz(func(t *testing.T, body string) {
		store := &memStore{objects: map[string][]byte{}}
		h, err := httpadapter.New(httpadapter.Config{Routes: mediaRoutes, Bus: memBus{t}, Log: discard(), MaxBodyBytes: 1024,
			Media: &httpadapter.MediaConfig{Store: store, Limits: media.Limits{Image: limit}, MaxUploadBytes: 4096}})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:3000/send/image", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=BOUNDARY")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusOK {
			if len(store.objects) != 0 {
				t.Fatalf("status %d left %d objects", rec.Code, len(store.objects))
			}
			return
		}
		var env struct {
			Data struct {
				Data map[string]any `json:"data"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("answer: %v", err)
		}
		ref, isString := env.Data.Data["image"].(string)
		if _, name, ok := mediastore.ParseRef(ref); ok && strings.HasPrefix(name, "upload/") {
			if b, stored := store.objects[name]; !stored || len(b) > limit {
				t.Fatalf("image %q: stored %v, %d bytes", ref, stored, len(b))
			}
		} else if len(store.objects) != 0 || (env.Data.Data["image"] != nil && !isString) {
			t.Fatalf("image %v with %d objects stored", env.Data.Data["image"], len(store.objects))
		}
	})
}
