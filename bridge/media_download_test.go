package bridge_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

var jpegBytes = append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{7}, 4000)...)

// receiveImage makes alice send an image whose content sits on the fake's
// CDN at path (with url, when given, as its URL) and answers the media id
// of its event.
func receiveImage(t *testing.T, e *env, f *downloadFake, id, path, url string, content []byte) string {
	t.Helper()
	sum := sha256.Sum256(content)
	img := &waE2E.ImageMessage{
		DirectPath: proto.String(path), MediaKey: bytes.Repeat([]byte{1}, 32),
		FileEncSHA256: bytes.Repeat([]byte{2}, 32), FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(content))),
		Mimetype: proto.String("image/jpeg"), Caption: proto.String("look"),
	}
	if url != "" {
		img.URL = proto.String(url)
	}
	e.sink.reset()
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	if !f.push(kindMessage(src, id, &waE2E.Message{ImageMessage: img})) {
		t.Fatal("handler reported failure")
	}
	got := e.sink.ofType(events.TypeMessageReceived)
	if len(got) != 1 {
		t.Fatalf("%d message.received, want 1", len(got))
	}
	return got[0].Data.(events.MessageReceived).Media.ID
}

func download(t *testing.T, e *env, req bridge.DownloadRequest) (*bridge.DownloadedMedia, error) {
	t.Helper()
	got, err := e.session("default").DownloadMedia(context.Background(), req)
	if err == nil {
		t.Cleanup(func() { _ = got.Blob.Remove() })
	}
	return got, err
}

// The media id of an event leads to the indexed message (media messages
// are indexed like any other), whose content downloads with its hash and
// its sniffed type. The message's id does not: the fetcher stores media
// under the name it is asked for, and a second name for one media would
// be a second object (a view-once one served once per name).
func TestDownloadMediaByMediaID(t *testing.T) {
	e, f := newDownloadEnv(t)
	f.put("/v/img1", jpegBytes)
	id := receiveImage(t, e, f, "3EB0IMG1", "/v/img1", "", jpegBytes)
	for _, ref := range []string{"false_" + alicePN.String() + "_3EB0IMG1", "3EB0IMG1"} {
		if _, err := download(t, e, bridge.DownloadRequest{Ref: ref}); err == nil || werr.KindOf(err) != werr.KindNotFound {
			t.Fatalf("DownloadMedia(%s), a message id: %v, want NOT_FOUND", ref, err)
		}
	}
	for _, ref := range []string{id} {
		got, err := download(t, e, bridge.DownloadRequest{Ref: ref})
		if err != nil {
			t.Fatalf("DownloadMedia(%s): %v", ref, err)
		}
		sum := sha256.Sum256(jpegBytes)
		data, _ := os.ReadFile(got.Blob.Path)
		if !bytes.Equal(got.Blob.SHA256, sum[:]) || got.Blob.Size != int64(len(jpegBytes)) || !bytes.Equal(data, jpegBytes) {
			t.Fatalf("downloaded %d bytes with sha %x", got.Blob.Size, got.Blob.SHA256)
		}
		if got.Kind != events.KindImage || got.Mimetype != "image/jpeg" || got.Blob.Mimetype != "image/jpeg" || got.MediaID != id || got.ViewOnce {
			t.Fatalf("download described as %+v (blob %+v)", got, got.Blob)
		}
	}
}

// A CDN's 404 sends the media retry receipt naming the message, and the
// phone's answer (decrypted with the media key) gives the path of the
// download's second attempt, without the dead URL; the index keeps the new
// path, so the next download goes there without asking the phone.
func TestDownloadMediaRetriesExpiredMedia(t *testing.T) {
	e, f := newDownloadEnv(t)
	id := receiveImage(t, e, f, "3EB0OLD", "/v/gone", "https://mmg.whatsapp.net/v/gone", jpegBytes)
	f.keepOnPhone("3EB0OLD", jpegBytes)
	got, err := download(t, e, bridge.DownloadRequest{Ref: id})
	if err != nil {
		t.Fatalf("DownloadMedia after retry: %v", err)
	}
	if sum := sha256.Sum256(jpegBytes); !bytes.Equal(got.Blob.SHA256, sum[:]) {
		t.Fatal("the retried download has other content")
	}
	r := f.retried()
	if len(r) != 1 || r[0].ID != "3EB0OLD" || r[0].Chat != alicePN || r[0].IsFromMe || r[0].IsGroup {
		t.Fatalf("retry receipts %+v", r)
	}
	if _, err := download(t, e, bridge.DownloadRequest{Ref: id}); err != nil {
		t.Fatalf("second download: %v", err)
	}
	asked := f.asked()
	want := []string{"url:https://mmg.whatsapp.net/v/gone", "/v/t62.7118-24/reuploaded_3EB0OLD.enc", "/v/t62.7118-24/reuploaded_3EB0OLD.enc"}
	if len(asked) != len(want) || asked[0] != want[0] || asked[1] != want[1] || asked[2] != want[2] || len(f.retried()) != 1 {
		t.Fatalf("downloads asked %q with %d retries, want %q and one", asked, len(f.retried()), want)
	}
}

// What neither the CDN nor the phone has is NOT_FOUND; a phone that does
// not answer is TIMEOUT (transient: it may come online).
func TestDownloadMediaGoneOrUnanswered(t *testing.T) {
	e, f := newDownloadEnv(t)
	id := receiveImage(t, e, f, "3EB0LOST", "/v/lost", "", jpegBytes)
	if _, err := download(t, e, bridge.DownloadRequest{Ref: id}); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("media on neither CDN nor phone: %v, want NOT_FOUND", err)
	}
	f.mu.Lock()
	f.silent = true
	f.mu.Unlock()
	_, err := download(t, e, bridge.DownloadRequest{Ref: id, RetryWait: 50 * time.Millisecond})
	if we := werr.From(err); we.Code != werr.CodeTimeout || !we.Kind.Retryable() {
		t.Fatalf("phone silent: %v, want a transient TIMEOUT", err)
	}
}

// The refusals: bigger than the limit (declared, before any download),
// content that fails its hash, an id of another session or no id at all,
// a message without media.
func TestDownloadMediaRefusals(t *testing.T) {
	e, f := newDownloadEnv(t)
	f.put("/v/img", jpegBytes)
	id := receiveImage(t, e, f, "3EB0BIG", "/v/img", "", jpegBytes)
	if _, err := download(t, e, bridge.DownloadRequest{Ref: id, MaxBytes: 100}); werr.From(err).Code != werr.CodeMediaTooLarge {
		t.Fatalf("over the limit: %v", err)
	}
	if n := len(f.asked()); n != 0 {
		t.Fatalf("%d downloads of media over the limit", n)
	}
	f.put("/v/liar", []byte("not what the hash says"))
	liar := receiveImage(t, e, f, "3EB0LIAR", "/v/liar", "", jpegBytes)
	if _, err := download(t, e, bridge.DownloadRequest{Ref: liar}); werr.From(err).Code != werr.CodeUnsupportedMedia {
		t.Fatalf("content failing its hash: %v", err)
	}
	for _, ref := range []string{bridge.MediaID("other", "false_"+alicePN.String()+"_3EB0BIG"), "bm90aGluZw.AAAAAAAAAAAAAAAA"} {
		if _, err := download(t, e, bridge.DownloadRequest{Ref: ref}); werr.KindOf(err) != werr.KindNotFound {
			t.Fatalf("unknown media %s: %v", ref, err)
		}
	}
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	f.push(kindMessage(src, "3EB0TEXT", &waE2E.Message{Conversation: proto.String("hi")}))
	if _, err := download(t, e, bridge.DownloadRequest{Ref: bridge.MediaID("default", "false_"+alicePN.String()+"_3EB0TEXT")}); werr.From(err).Code != werr.CodeInvalidPayload {
		t.Fatalf("text message: %v", err)
	}
}
