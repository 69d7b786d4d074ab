package sandbox_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: uint8(x), A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dataURL(mimetype string, b []byte) string {
	return "data:" + mimetype + ";base64," + base64.StdEncoding.EncodeToString(b)
}

func tempFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "download"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// receive makes a contact send a media message and answers it as the
// session's handler got it.
func receive(t *testing.T, f *fixture, typ string, fields map[string]any) *events.Message {
	t.Helper()
	if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Type: typ, Fields: fields}); err != nil {
		t.Fatalf("Inbound %s: %v", typ, err)
	}
	return next[*events.Message](t, f.rec)
}

// A contact's image arrives as a phone sends it (uploaded, encrypted, the
// message carrying key, hashes, length, type and dimensions; view-once in
// its wrapper and on the media), and the session's DownloadToFile gives
// back exactly the bytes sent.
func TestInboundImageDownloads(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	content := pngBytes(t, 40, 30)
	msg := receive(t, f, "image", map[string]any{"image": dataURL("image/png", content), "caption": "look", "view_once": true})
	img := msg.Message.GetImageMessage()
	sum := sha256.Sum256(content)
	if img == nil || !msg.IsViewOnce || !img.GetViewOnce() || img.GetCaption() != "look" || img.GetMimetype() != "image/png" ||
		img.GetWidth() != 40 || img.GetHeight() != 30 || img.GetFileLength() != uint64(len(content)) ||
		!bytes.Equal(img.GetFileSHA256(), sum[:]) || len(img.GetMediaKey()) != 32 || img.GetDirectPath() == "" {
		t.Fatalf("image message %v (view once %v)", img, msg.IsViewOnce)
	}
	out := tempFile(t)
	if err := f.cli.DownloadToFile(testCtx(t), img, out); err != nil {
		t.Fatalf("DownloadToFile: %v", err)
	}
	got, _ := io.ReadAll(out)
	if !bytes.Equal(got, content) {
		t.Fatalf("downloaded %d bytes, sent %d", len(got), len(content))
	}
	tampered := proto.Clone(img).(*waE2E.ImageMessage)
	tampered.FileSHA256 = make([]byte, 32)
	if err := f.cli.DownloadToFile(testCtx(t), tampered, tempFile(t)); !errors.Is(err, whatsmeow.ErrInvalidMediaSHA256) {
		t.Fatalf("download with another file sha256: %v", err)
	}
	tampered = proto.Clone(img).(*waE2E.ImageMessage)
	tampered.MediaKey = make([]byte, 32)
	if err := f.cli.DownloadToFile(testCtx(t), tampered, tempFile(t)); !errors.Is(err, whatsmeow.ErrInvalidMediaHMAC) {
		t.Fatalf("download with another media key: %v", err)
	}
}

// Every media kind becomes its message, uploaded with its media type
// (stickers as images): a document with a caption in WhatsApp's wrapper, a
// voice note as PTT audio, a round video note in the PTV field.
func TestInboundMediaKinds(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	data := []byte("%PDF-1.4 not much of a document")
	doc := receive(t, f, "document", map[string]any{"document": dataURL("application/pdf", data), "filename": "a.pdf", "caption": "sign it"})
	if d := doc.Message.GetDocumentMessage(); !doc.IsDocumentWithCaption || d.GetFileName() != "a.pdf" || d.GetCaption() != "sign it" {
		t.Fatalf("document %v (with caption %v)", d, doc.IsDocumentWithCaption)
	}
	voice := receive(t, f, "audio", map[string]any{"audio": dataURL("audio/ogg", []byte("OggS voice")), "ptt": true, "mimetype": "audio/ogg; codecs=opus"})
	if a := voice.Message.GetAudioMessage(); !a.GetPTT() || a.GetMimetype() != "audio/ogg; codecs=opus" {
		t.Fatalf("voice note %v", a)
	}
	note := receive(t, f, "video", map[string]any{"video": dataURL("video/mp4", []byte("not really mp4")), "video_note": true, "seconds": 4})
	if v := note.Message.GetPtvMessage(); v == nil || v.GetSeconds() != 4 {
		t.Fatalf("video note %v", note.Message)
	}
	sticker := receive(t, f, "sticker", map[string]any{"sticker": dataURL("image/png", pngBytes(t, 8, 8))})
	for _, m := range []whatsmeow.DownloadableMessage{doc.Message.GetDocumentMessage(), voice.Message.GetAudioMessage(),
		note.Message.GetPtvMessage(), sticker.Message.GetStickerMessage()} {
		if err := f.cli.DownloadToFile(testCtx(t), m, tempFile(t)); err != nil {
			t.Errorf("DownloadToFile(%T): %v", m, err)
		}
	}
	if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Type: "image",
		Fields: map[string]any{"image": "nats-object://WA_MEDIA/x"}}); werr.From(err).Code != werr.CodeInvalidPayload {
		t.Fatalf("an object reference without a media source: %v", err)
	}
}

// A media the CDN forgot is whatsmeow's 404; the media retry receipt makes
// the sender's phone upload it again and answer, through the event
// handler, with the new path encrypted for whatsmeow's
// DecryptMediaRetryNotification; the download from there succeeds. A
// phone that no longer has it answers code 2.
func TestInboundMediaRetry(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	content := pngBytes(t, 16, 16)
	msg := receive(t, f, "image", map[string]any{"image": dataURL("image/png", content), "expire_media": true})
	img := msg.Message.GetImageMessage()
	if err := f.cli.DownloadToFile(testCtx(t), img, tempFile(t)); !errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) {
		t.Fatalf("download of expired media: %v, want 404", err)
	}
	if err := f.cli.SendMediaRetryReceipt(testCtx(t), &msg.Info, img.GetMediaKey()); err != nil {
		t.Fatal(err)
	}
	retry := next[*events.MediaRetry](t, f.rec)
	notif, err := whatsmeow.DecryptMediaRetryNotification(retry, img.GetMediaKey())
	if err != nil || notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS || retry.MessageID != msg.Info.ID {
		t.Fatalf("retry answer %v, %v", notif, err)
	}
	moved := proto.Clone(img).(*waE2E.ImageMessage)
	moved.DirectPath, moved.URL = proto.String(notif.GetDirectPath()), nil
	out := tempFile(t)
	if err := f.cli.DownloadToFile(testCtx(t), moved, out); err != nil {
		t.Fatalf("download after retry: %v", err)
	}
	if got, _ := io.ReadAll(out); !bytes.Equal(got, content) {
		t.Fatal("other bytes after retry")
	}
	if err := f.cli.SendMediaRetryReceipt(testCtx(t), &msg.Info, img.GetMediaKey()); err != nil {
		t.Fatal(err)
	}
	again := next[*events.MediaRetry](t, f.rec)
	if _, err := whatsmeow.DecryptMediaRetryNotification(again, img.GetMediaKey()); !errors.Is(err, whatsmeow.ErrMediaNotAvailableOnPhone) {
		t.Fatalf("second retry: %v, want not available on phone", err)
	}
}

// With a phones' directory, what contacts sent outlives the network (a
// restarted process, whose CDN starts empty): a media retry on a new
// network over the same directory brings it back.
func TestInboundMediaRetryAfterRestart(t *testing.T) {
	dir := t.TempDir()
	first := newFixture(t, sandbox.Config{})
	if err := first.net.SetPhoneDir(dir); err != nil {
		t.Fatal(err)
	}
	first.login(t, "4917600000001")
	content := pngBytes(t, 12, 12)
	msg := receive(t, first, "image", map[string]any{"image": dataURL("image/png", content)})
	img := msg.Message.GetImageMessage()

	second := newFixture(t, sandbox.Config{})
	if err := second.net.SetPhoneDir(dir); err != nil {
		t.Fatal(err)
	}
	second.login(t, "4917600000001")
	if err := second.cli.DownloadToFile(testCtx(t), img, tempFile(t)); !errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) {
		t.Fatalf("download on a fresh CDN: %v, want 404", err)
	}
	if err := second.cli.SendMediaRetryReceipt(testCtx(t), &msg.Info, img.GetMediaKey()); err != nil {
		t.Fatal(err)
	}
	notif, err := whatsmeow.DecryptMediaRetryNotification(next[*events.MediaRetry](t, second.rec), img.GetMediaKey())
	if err != nil || notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS {
		t.Fatalf("retry answer %v, %v", notif, err)
	}
	moved := proto.Clone(img).(*waE2E.ImageMessage)
	moved.DirectPath, moved.URL = proto.String(notif.GetDirectPath()), nil
	out := tempFile(t)
	if err := second.cli.DownloadToFile(testCtx(t), moved, out); err != nil {
		t.Fatalf("download after retry: %v", err)
	}
	if got, _ := io.ReadAll(out); !bytes.Equal(got, content) {
		t.Fatal("other bytes after the retry")
	}
}
