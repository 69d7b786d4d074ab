package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// jpegOf is content that sniffs as JPEG, distinct per seed.
func jpegOf(t *testing.T, size int) []byte {
	t.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	copy(b, []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0})
	return b
}

type receivedMedia struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Object   string `json:"object"`
	Mimetype string `json:"mimetype"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// sendImage makes a contact send content as an image (with fields added)
// and answers the message id.
func sendImage(t *testing.T, b *bridgeProc, content []byte, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"from": "4917612345678", "type": "image", "caption": "look",
		"image": "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(content)}
	for k, v := range extra {
		body[k] = v
	}
	status, env := b.do("POST", "/sandbox/inbound", body, nil)
	if status != http.StatusOK {
		t.Fatalf("inbound image: %d %s %s", status, env.Code, env.Message)
	}
	var sent struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &sent)
	return sent.MessageID
}

// mediaOf reads the message.received events of the images sent (all the
// session received), checks each against its content, and answers their
// media in the order of ids.
func mediaOf(t *testing.T, b *bridgeProc, ids []string, contents [][]byte) []receivedMedia {
	t.Helper()
	byID := map[string]receivedMedia{}
	for _, m := range streamEvents(t, b.nats(), "wa.default.evt.*.message.received", len(ids), 30*time.Second) {
		var d struct {
			ID      string        `json:"id"`
			Type    string        `json:"type"`
			Caption string        `json:"caption"`
			Media   receivedMedia `json:"media"`
		}
		mustJSON(t, m.ce.Data(), &d)
		if d.Type != "image" || d.Caption != "look" || d.Media.URL != "/media/"+d.Media.ID ||
			d.Media.Object != "nats-object://WA_MEDIA/"+d.Media.ID {
			t.Fatalf("image event %s", m.ce.Data())
		}
		byID[d.ID] = d.Media
	}
	out := make([]receivedMedia, len(ids))
	for i, id := range ids {
		m, ok := byID[id]
		sum := sha256.Sum256(contents[i])
		if !ok || m.SHA256 != hex.EncodeToString(sum[:]) || m.Size != int64(len(contents[i])) {
			t.Fatalf("message %s: media %+v, want sha256 %x of %d bytes", id, m, sum, len(contents[i]))
		}
		out[i] = m
	}
	return out
}

// receiveImages sends each content as an image and answers their media.
func receiveImages(t *testing.T, b *bridgeProc, extra map[string]any, contents ...[]byte) []receivedMedia {
	t.Helper()
	var ids []string
	for _, c := range contents {
		ids = append(ids, sendImage(t, b, c, extra))
	}
	return mediaOf(t, b, ids, contents)
}

// getMedia is GET /media/<id> as the test's session: status, body, ETag.
func getMedia(t *testing.T, b *bridgeProc, id string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", b.httpURL+"/media/"+id, nil)
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
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

func wantMedia(t *testing.T, b *bridgeProc, m receivedMedia) {
	t.Helper()
	status, body, h := getMedia(t, b, m.ID)
	sum := sha256.Sum256(body)
	if status != http.StatusOK || hex.EncodeToString(sum[:]) != m.SHA256 || !strings.Contains(h.Get("ETag"), m.SHA256) ||
		!strings.HasPrefix(h.Get("Content-Type"), "image/jpeg") {
		t.Fatalf("GET %s: %d, %d bytes with sha256 %x, ETag %q, Content-Type %q; want %s", m.URL, status, len(body), sum, h.Get("ETag"), h.Get("Content-Type"), m.SHA256)
	}
}

// storedObjects counts the objects of the media bucket named in ids.
func storedObjects(t *testing.T, b *bridgeProc, ids []string) int {
	t.Helper()
	js, err := jetstream.New(b.nats())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	obs, err := js.ObjectStore(ctx, "WA_MEDIA")
	if err != nil {
		return 0
	}
	n := 0
	for _, id := range ids {
		if _, err := obs.GetInfo(ctx, id); err == nil {
			n++
		}
	}
	return n
}

func waitStoredObjects(t *testing.T, b *bridgeProc, ids []string, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for storedObjects(t, b, ids) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d media stored within a minute, want %d", storedObjects(t, b, ids), len(ids), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A contact's image arrives as message.received whose media the fetcher
// stores in WA_MEDIA by itself; GET /media/<id> answers the same sha256,
// also after a restart between the event and the request (the object
// outlives the process; the sandbox's CDN does not).
func TestReceivedImageServedAcrossRestart(t *testing.T) {
	t.Parallel()
	opts := bridgeOpts{dataDir: t.TempDir(), httpAddr: freeAddr(t), natsAddr: freeAddr(t)}
	b := startBridge(t, opts)
	b.login("default")
	m := receiveImages(t, b, nil, jpegOf(t, 150_000))[0]
	waitStoredObjects(t, b, []string{m.ID}, 1)
	if err := b.stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	b2 := startBridge(t, opts)
	wantMedia(t, b2, m)
}

// Without the background download GET /media/<id> downloads on demand, and
// a media the CDN forgot takes WhatsApp's media retry (the sender's phone
// uploads it again) before it is served.
func TestReceivedImageOnDemandWithMediaRetry(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{extra: []string{"--media-download", "none"}})
	b.login("default")
	plainContent, expiredContent := jpegOf(t, 20_000), jpegOf(t, 20_000)
	ids := []string{sendImage(t, b, plainContent, nil), sendImage(t, b, expiredContent, map[string]any{"expire_media": true})}
	got := mediaOf(t, b, ids, [][]byte{plainContent, expiredContent})
	plain, expired := got[0], got[1]
	if n := storedObjects(t, b, []string{plain.ID, expired.ID}); n != 0 {
		t.Fatalf("%d media stored with --media-download none", n)
	}
	wantMedia(t, b, plain)
	wantMedia(t, b, expired)
	if !strings.Contains(b.out.String(), "asking the phone to upload it again") {
		t.Fatal("the expired media was served without a media retry")
	}
	if status, _, _ := getMedia(t, b, "bm90aGluZw.AAAAAAAAAAAAAAAA"); status != http.StatusNotFound {
		t.Fatalf("GET of an unknown media: %d, want 404", status)
	}
}

// The fetcher killed (kill -9) with media queued stores every one after
// the restart: an event is acked only once its media is in the store, and
// the sender's phone uploads again what the restarted sandbox's CDN lost.
func TestMediaFetcherSurvivesKill9(t *testing.T) {
	t.Parallel()
	// The kill must find media still queued; on a fast machine the fetcher
	// may drain a short queue before it, so a run that proved nothing is
	// tried again with a longer queue.
	for _, n := range []int{24, 96} {
		if fetcherKilledMidQueue(t, n) {
			return
		}
		t.Logf("all %d media were stored before the kill; again with a longer queue", n)
	}
	t.Fatal("every media had been stored before the kill, also with the longest queue: the test proves nothing")
}

// fetcherKilledMidQueue queues n received images, kills the bridge at
// once, restarts it and checks every media is stored and served. It
// answers false when nothing was left to fetch at the kill.
func fetcherKilledMidQueue(t *testing.T, n int) bool {
	t.Helper()
	opts := bridgeOpts{dataDir: t.TempDir(), httpAddr: freeAddr(t), natsAddr: freeAddr(t)}
	b := startBridge(t, opts)
	b.login("default")
	contents := make([][]byte, n)
	ids := make([]string, n)
	for i := range contents {
		contents[i] = jpegOf(t, 600_000)
	}
	// Sent from several contacts at once, so the queue grows faster than
	// the fetcher drains it.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				ids[i] = sendImage(t, b, contents[i], nil)
			}
		}()
	}
	wg.Wait()
	b.kill9() // at once: the fetcher is still working through the queue
	b2 := startBridge(t, opts)
	b2.waitLoggedIn("default")
	var mediaIDs []string
	for _, m := range mediaOf(t, b2, ids, contents) {
		mediaIDs = append(mediaIDs, m.ID)
	}
	t.Logf("%d of %d media stored after the restart began", storedObjects(t, b2, mediaIDs), n)
	waitStoredObjects(t, b2, mediaIDs, n)
	if !strings.Contains(b2.out.String(), "asking the phone to upload it again") {
		return false
	}
	for i, id := range mediaIDs[:3] {
		status, body, _ := getMedia(t, b2, id)
		if sum, want := sha256.Sum256(body), sha256.Sum256(contents[i]); status != http.StatusOK || sum != want {
			t.Fatalf("GET %s after the restart: %d, %d bytes", id, status, len(body))
		}
	}
	return true
}

// View-once media is stored only with --media-download view_once, and then
// served once.
func TestViewOnceMediaServedOnce(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{extra: []string{"--media-download", "all,view_once"}})
	b.login("default")
	m := receiveImages(t, b, map[string]any{"view_once": true}, jpegOf(t, 10_000))[0]
	waitStoredObjects(t, b, []string{m.ID}, 1)
	wantMedia(t, b, m)
	if status, _, _ := getMedia(t, b, m.ID); status != http.StatusNotFound {
		t.Fatalf("second GET of a view-once media: %d, want 404", status)
	}

	without := startBridge(t, bridgeOpts{})
	without.login("default")
	m2 := receiveImages(t, without, map[string]any{"view_once": true}, jpegOf(t, 10_000))[0]
	if status, body, _ := getMedia(t, without, m2.ID); status != http.StatusNotFound {
		t.Fatalf("view-once media without view_once: %d %s", status, bytes.TrimSpace(body))
	}
}
