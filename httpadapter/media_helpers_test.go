package httpadapter_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// mediaRoutes are the reference's media routes with the field types their
// schemas give.
var mediaRoutes = []httpadapter.Route{
	{Name: "send.image", Method: http.MethodPost, Path: "/send/image", Fields: map[string]string{
		"phone": "string", "caption": "string", "view_once": "boolean", "compress": "boolean",
		"reply_message_id": "string", "image": "string", "mentions": "array", "duration": "integer"}},
	{Name: "send.document", Method: http.MethodPost, Path: "/send/document", Fields: map[string]string{
		"phone": "string", "document": "string", "filename": "string"}},
	{Name: "group.photo", Method: http.MethodPost, Path: "/group/photo", Fields: map[string]string{
		"group_id": "string", "image": "string"}},
	{Name: "send.message", Method: http.MethodPost, Path: "/send/message", Fields: map[string]string{
		"phone": "string", "message": "string"}},
}

// mediaEnv is the adapter with a media store on a JetStream server and a
// responder echoing every command.
type mediaEnv struct {
	srv   *httptest.Server
	store *mediastore.Store
	js    jetstream.JetStream
}

func newMediaEnv(t testing.TB, edit func(*httpadapter.Config)) mediaEnv {
	t.Helper()
	nc := startNATSWith(t, func(o *server.Options) { o.JetStream = true; o.StoreDir = t.TempDir() })
	startResponder(t, nc)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := mediastore.Open(context.Background(), js, mediastore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, nc, func(c *httpadapter.Config) {
		c.Routes = mediaRoutes
		c.Media = &httpadapter.MediaConfig{Store: st, IDs: sessionIDs{}}
		if edit != nil {
			edit(c)
		}
	})
	return mediaEnv{srv: srv, store: st, js: js}
}

// objects lists the names in the bucket.
func (e mediaEnv) objects(t testing.TB) []string {
	t.Helper()
	obs, err := e.js.ObjectStore(context.Background(), mediastore.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	list, err := obs.List(context.Background())
	if err != nil && err != jetstream.ErrNoObjectsFound {
		t.Fatal(err)
	}
	var out []string
	for _, o := range list {
		out = append(out, o.Name)
	}
	return out
}

// formPart is one part of a multipart body: a text field, or a file when
// filename is set.
type formPart struct {
	name, value, filename, ctype string
	file                         []byte
}

func text(name, value string) formPart { return formPart{name: name, value: value} }

func file(name, filename, ctype string, b []byte) formPart {
	return formPart{name: name, filename: filename, ctype: ctype, file: b}
}

// multipartBody encodes parts as curl -F does.
func multipartBody(t testing.TB, parts ...formPart) (string, *bytes.Buffer) {
	t.Helper()
	ct, body := multipartBodyBoundary(t, "", parts...)
	return ct, bytes.NewBufferString(body)
}

// multipartBodyBoundary is multipartBody with a chosen boundary ("" for a
// random one).
func multipartBodyBoundary(t testing.TB, boundary string, parts ...formPart) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if boundary != "" {
		if err := w.SetBoundary(boundary); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		if p.filename == "" {
			if err := w.WriteField(p.name, p.value); err != nil {
				t.Fatal(err)
			}
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
		if p.ctype != "" {
			h.Set("Content-Type", p.ctype)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.file) //nolint:errcheck // bytes.Buffer
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.String()
}

// post sends a multipart body and decodes the answer.
func (e mediaEnv) post(t testing.TB, path string, header map[string]string, parts ...formPart) (*http.Response, map[string]any) {
	t.Helper()
	ct, body := multipartBody(t, parts...)
	h := map[string]string{"Content-Type": ct}
	for k, v := range header {
		h[k] = v
	}
	return callBody(t, e.srv, http.MethodPost, path, body, h)
}

// callBody is call with a body of any type (call sets JSON).
func callBody(t testing.TB, srv *httptest.Server, method, path string, body io.Reader, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]any{}
	if err := json.Unmarshal(raw, &env); err != nil {
		env = map[string]any{"raw": string(raw)}
	}
	return resp, env
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
