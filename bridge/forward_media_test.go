package bridge_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// forwardFake is the download fake (a CDN, a phone) that also records
// uploads, for forwards of media WhatsApp may have dropped.
type forwardFake struct {
	*downloadFake
	up *uploads
}

func (f forwardFake) Upload(ctx context.Context, plaintext []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return mediaFake{f.fakeClient, f.up}.Upload(ctx, plaintext, mt)
}

func (f forwardFake) UploadReader(ctx context.Context, r io.Reader, tmp io.ReadWriteSeeker, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	return mediaFake{f.fakeClient, f.up}.UploadReader(ctx, r, tmp, mt)
}

// newForwardEnv is such a fake; keep stores the bridge's copy of a media
// under its media id, as the media store keeps them.
func newForwardEnv(t *testing.T) (*env, forwardFake, func(mediaID string, data []byte)) {
	t.Helper()
	files := map[string]memFile{}
	dir := t.TempDir()
	e, f := wrappedEnv(t, func(c *fakeClient) forwardFake {
		return forwardFake{&downloadFake{fakeClient: c, cdn: map[string][]byte{}, phone: map[string][]byte{}}, &uploads{}}
	}, func(c *bridgeConfig) {
		c.Media = memSource{dir: dir, files: files}
		c.MediaPrep = media.Config{TempDir: dir}
	})
	keep := func(mediaID string, data []byte) {
		files[mediaStoreRef(mediaID)] = memFile{data: data, mimetype: "image/jpeg"}
	}
	return e, f, keep
}

func mediaStoreRef(id string) string { return mediastore.Ref(mediastore.DefaultBucket, id) }

func forward(t *testing.T, e *env, f forwardFake, id string) (*waE2E.Message, error) {
	t.Helper()
	_, err := e.session("default").ForwardMessage(context.Background(), bridge.ForwardRequest{MessageID: id, To: group.String(), Key: "fw-" + id})
	if err != nil {
		return nil, err
	}
	sent := f.sentMessages()
	return sent[len(sent)-1].Msg, nil
}

// A blob still on the CDN is forwarded as it is: checked by one download,
// nothing uploaded.
func TestForwardMediaStillOnCDN(t *testing.T) {
	e, f, _ := newForwardEnv(t)
	f.put("/v/live", jpegBytes)
	receiveImage(t, e, f.downloadFake, "3EB0LIVE", "/v/live", "", jpegBytes)
	msg, err := forward(t, e, f, "3EB0LIVE")
	if err != nil {
		t.Fatal(err)
	}
	img := msg.GetImageMessage()
	if img.GetDirectPath() != "/v/live" || !bytes.Equal(img.GetMediaKey(), bytes.Repeat([]byte{1}, 32)) || len(f.up.list()) != 0 || len(f.asked()) != 1 {
		t.Fatalf("forwarded %v; uploads %d, downloads %v", img, len(f.up.list()), f.asked())
	}
}

// A blob the CDN dropped is brought back by the sender's phone (the same
// blob at a new direct path): the forward points there, without the dead
// URL, still without an upload.
func TestForwardMediaExpiredPhoneUploadsAgain(t *testing.T) {
	e, f, _ := newForwardEnv(t)
	f.keepOnPhone("3EB0OLD", jpegBytes)
	receiveImage(t, e, f.downloadFake, "3EB0OLD", "/v/gone", "https://mmg.whatsapp.net/v/gone", jpegBytes)
	msg, err := forward(t, e, f, "3EB0OLD")
	if err != nil {
		t.Fatal(err)
	}
	img := msg.GetImageMessage()
	if img.GetDirectPath() != "/v/t62.7118-24/reuploaded_3EB0OLD.enc" || img.URL != nil || !bytes.Equal(img.GetMediaKey(), bytes.Repeat([]byte{1}, 32)) ||
		len(f.up.list()) != 0 || len(f.retried()) != 1 {
		t.Fatalf("forwarded %v; uploads %d, retries %d", img, len(f.up.list()), len(f.retried()))
	}
	if img.GetContextInfo().GetIsForwarded() != true || img.GetCaption() != "look" {
		t.Fatalf("forwarded %v", img)
	}
}

// When neither the CDN nor the phone has it, the bridge's kept copy is
// uploaded anew and the forward carries the new blob; without a copy (or
// with another content under the name) the forward is refused, and
// nothing is sent.
func TestForwardMediaExpiredUsesKeptCopy(t *testing.T) {
	e, f, keep := newForwardEnv(t)
	id := receiveImage(t, e, f.downloadFake, "3EB0KEPT", "/v/gone", "", jpegBytes)
	keep(id, jpegBytes)
	msg, err := forward(t, e, f, "3EB0KEPT")
	if err != nil {
		t.Fatal(err)
	}
	ups := f.up.list()
	img := msg.GetImageMessage()
	if len(ups) != 1 || ups[0].MediaType != whatsmeow.MediaImage || !bytes.Equal(ups[0].Plaintext, jpegBytes) {
		t.Fatalf("uploads %v", summary(ups))
	}
	enc := sha256.Sum256(append([]byte("enc"), jpegBytes...)) // as the fake's upload answers
	if !strings.HasSuffix(img.GetDirectPath(), "_1_n.enc") || !strings.HasSuffix(img.GetURL(), img.GetDirectPath()) ||
		!bytes.Equal(img.GetFileEncSHA256(), enc[:]) || img.GetFileLength() != uint64(len(jpegBytes)) ||
		img.GetMediaKeyTimestamp() == 0 || !img.GetContextInfo().GetIsForwarded() || img.GetCaption() != "look" {
		t.Fatalf("forwarded %v", img)
	}

	sentBefore := len(f.sentMessages())
	receiveImage(t, e, f.downloadFake, "3EB0LOST", "/v/gone2", "", jpegBytes)
	if _, err := forward(t, e, f, "3EB0LOST"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("no copy: %v", err)
	}
	other := receiveImage(t, e, f.downloadFake, "3EB0OTHER", "/v/gone3", "", jpegBytes)
	keep(other, []byte("something else entirely"))
	if _, err := forward(t, e, f, "3EB0OTHER"); werr.From(err).Code != werr.CodeNotFound {
		t.Fatalf("another content kept: %v", err)
	}
	if n := len(f.sentMessages()); n != sentBefore {
		t.Fatalf("%d messages sent for refused forwards", n-sentBefore)
	}
}
