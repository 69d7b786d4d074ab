package httpadapter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// sessionIDs is the tests' stand-in for the bridge's media ids: it owns
// "<name>.<session>" to session and nothing else.
type sessionIDs struct{}

var _ httpadapter.MediaIDs = sessionIDs{}

func (sessionIDs) Owns(session, id string) bool {
	name, owner, ok := strings.Cut(id, ".")
	return ok && name != "" && owner == session
}

// GET and HEAD /media/:id serve a session its own media ids only: another
// session's media, an upload and the fetcher's marks are in the same
// bucket, and each answers 404 NOT_FOUND as an unknown id does (a 403 would
// tell that it exists). Nothing is fetched for an id that is not the
// session's.
func TestGetMediaServesOnlyTheSessionsIDs(t *testing.T) {
	f := &fetcher{}
	e := newMediaEnv(t, func(c *httpadapter.Config) { c.Media.Fetcher = f })
	f.store = e.store
	content := []byte("alice's photo")
	e.put(t, "a1.alice", content, mediastore.Info{Mimetype: "image/jpeg"})
	e.put(t, "upload/3f9a", []byte("an upload"), mediastore.Info{Mimetype: "image/jpeg"})
	e.put(t, "a1.alice.once", nil, mediastore.Info{})
	e.put(t, "b1.bob", []byte("bob's photo"), mediastore.Info{Mimetype: "image/jpeg"})

	for _, tc := range []struct {
		method, path string
		header       map[string]string
	}{
		{http.MethodGet, "/media/a1.alice", map[string]string{"X-Session": "bob"}},
		{http.MethodGet, "/media/a1.alice?session=bob", nil},
		{http.MethodGet, "/media/a1.alice", nil}, // the default session
		{http.MethodHead, "/media/a1.alice", map[string]string{"X-Session": "bob"}},
		{http.MethodGet, "/media/b1.bob", map[string]string{"X-Session": "alice"}},
		{http.MethodGet, "/media/upload%2F3f9a", map[string]string{"X-Session": "alice"}},
		{http.MethodGet, "/media/upload/3f9a", map[string]string{"X-Session": "alice"}},
		{http.MethodGet, "/media/a1.alice.once", map[string]string{"X-Session": "alice"}},
		{http.MethodHead, "/media/a1.alice.once", map[string]string{"X-Session": "alice"}},
		{http.MethodGet, "/media/z9.alice", map[string]string{"X-Session": "bob"}}, // not stored: not fetched either
	} {
		resp, body := callBody(t, e.srv, tc.method, tc.path, nil, tc.header)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s %v: %d, want 404", tc.method, tc.path, tc.header, resp.StatusCode)
		}
		if tc.method == http.MethodGet && body["code"] != "NOT_FOUND" {
			t.Errorf("%s %s %v: answered %v, want the NOT_FOUND envelope", tc.method, tc.path, tc.header, body)
		}
	}
	if len(f.asked) != 0 {
		t.Fatalf("fetcher asked for %v: ids of no session of the request's", f.asked)
	}

	resp, body := e.get(t, "/media/a1.alice", map[string]string{"X-Session": "alice"})
	if resp.StatusCode != http.StatusOK || string(body) != string(content) {
		t.Fatalf("own media: %d %q", resp.StatusCode, body)
	}
	resp, body = e.get(t, "/media/z9.alice?session=alice", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "downloaded z9.alice" || len(f.asked) != 1 || f.asked[0] != "alice/z9.alice" {
		t.Fatalf("own media not stored yet: %d %q, asked %v", resp.StatusCode, body, f.asked)
	}
}

// Without IDs the adapter serves no media at all rather than any object.
func TestGetMediaWithoutIDsServesNothing(t *testing.T) {
	e := newMediaEnv(t, func(c *httpadapter.Config) { c.Media.IDs = nil })
	e.put(t, "m1.default", []byte("x"), mediastore.Info{})
	if resp, _ := e.get(t, "/media/m1.default", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("without IDs: %d, want 404", resp.StatusCode)
	}
}
