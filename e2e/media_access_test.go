package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// GET /media/<id> serves a session the media ids of its own events and
// nothing else of the media bucket: another session asking for the id (by
// X-Session or ?session=), an upload's object and the fetcher's view-once
// mark each answer 404 NOT_FOUND, as an id nobody has does.
func TestMediaServedOnlyToItsSession(t *testing.T) {
	t.Parallel()
	a := sharedBridge(t, "media-a")
	a.login(a.session)
	other := sharedBridge(t, "media-b")
	other.login(other.session)

	content := jpegOf(t, 30_000)
	msgID := sendImage(t, a, content, nil)
	m := imageMediaOf(t, a, msgID)
	waitStoredObjects(t, a, []string{m.ID}, 1)

	upload, mark := "upload/e2e0media0access", m.ID+".once"
	putObjects(t, a, upload, mark)

	for _, tc := range []struct {
		b    *bridgeProc
		path string
	}{
		{other, "/media/" + m.ID},
		{&bridgeProc{proc: a.proc, t: t}, "/media/" + m.ID + "?session=" + other.session},
		{&bridgeProc{proc: a.proc, t: t}, "/media/" + m.ID}, // the default session
		{a, "/media/" + upload},
		{a, "/media/" + url.PathEscape(upload)},
		{a, "/media/" + mark},
	} {
		if status, code := mediaAnswer(t, tc.b, tc.path); status != http.StatusNotFound || code != "NOT_FOUND" {
			t.Errorf("GET %s as session %q: %d %q, want 404 NOT_FOUND", tc.path, tc.b.session, status, code)
		}
	}
	wantMedia(t, a, m)
}

// mediaAnswer is GET path as b's session: the status and the envelope's
// code ("" for an answer that is no envelope, such as media).
func mediaAnswer(t *testing.T, b *bridgeProc, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.httpURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.session != "" {
		req.Header.Set("X-Session", b.session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env envelope
	if raw, err := io.ReadAll(resp.Body); err != nil || json.Unmarshal(raw, &env) != nil {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, env.Code
}

// imageMediaOf waits for the message.received event of the image msgID,
// the only message b's session receives, and answers its media.
func imageMediaOf(t *testing.T, b *bridgeProc, msgID string) receivedMedia {
	t.Helper()
	for _, e := range streamEvents(t, b.nats(), "wa."+b.session+".evt.*.message.received", 1, 30*time.Second) {
		var d struct {
			ID    string        `json:"id"`
			Media receivedMedia `json:"media"`
		}
		mustJSON(t, e.ce.Data(), &d)
		if d.ID == msgID && d.Media.ID != "" {
			return d.Media
		}
		t.Fatalf("message.received %s, want the image %s", e.ce.Data(), msgID)
	}
	t.Fatalf("no message.received for %s within 30 s", msgID)
	return receivedMedia{}
}

// putObjects stores empty objects named names in the media bucket, removed
// when the test ends.
func putObjects(t *testing.T, b *bridgeProc, names ...string) {
	t.Helper()
	js, err := jetstream.New(b.nats())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	obs, err := js.ObjectStore(ctx, "WA_MEDIA")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if _, err := obs.PutBytes(ctx, name, []byte("not a media of any session")); err != nil {
			t.Fatalf("putting %s: %v", name, err)
		}
		t.Cleanup(func() { _ = obs.Delete(context.Background(), name) })
	}
}
