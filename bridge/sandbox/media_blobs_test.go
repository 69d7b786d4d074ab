package sandbox_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// An upload answers what whatsmeow's does, and a media message built from
// it reaches the contact, whose phone decrypts exactly the uploaded bytes:
// the outbox's sha256 is the plaintext's. A message whose hashes do not
// match the blob is not shown as if it had.
func TestUploadedMediaReachesTheContactDecrypted(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	ctx := testCtx(t)
	if _, err := f.cli.Upload(ctx, []byte("x"), whatsmeow.MediaImage); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Fatalf("upload before connecting: %v, want ErrNotConnected", err)
	}
	f.login(t, "4917600000001")
	plain := bytes.Repeat([]byte("sandbox media "), 5000) // several cipher chunks and a partial block
	sum := sha256.Sum256(plain)
	up, err := f.cli.UploadReader(ctx, bytes.NewReader(plain), nil, whatsmeow.MediaDocument)
	if err != nil {
		t.Fatal(err)
	}
	if up.FileLength != uint64(len(plain)) || !bytes.Equal(up.FileSHA256, sum[:]) || len(up.MediaKey) != 32 || len(up.FileEncSHA256) != 32 || up.DirectPath == "" || up.URL == "" {
		t.Fatalf("upload response %+v", up)
	}
	doc := &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		Mimetype: proto.String("application/pdf"), FileName: proto.String("Report_2024.pdf"), Title: proto.String("Report_2024.pdf"),
	}}
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	if _, err := f.cli.SendMessage(ctx, contact, doc, whatsmeow.SendRequestExtra{ID: "3EB0DOC"}); err != nil {
		t.Fatal(err)
	}
	// The same bytes uploaded as an image are keyed for images: decrypting
	// them as a document must fail.
	img, err := f.cli.Upload(ctx, plain[:100], whatsmeow.MediaImage)
	if err != nil {
		t.Fatal(err)
	}
	wrongType := &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		DirectPath: proto.String(img.DirectPath), MediaKey: img.MediaKey, FileEncSHA256: img.FileEncSHA256, FileSHA256: img.FileSHA256,
	}}
	if _, err := f.cli.SendMessage(ctx, contact, wrongType, whatsmeow.SendRequestExtra{ID: "3EB0WRONG"}); err != nil {
		t.Fatal(err)
	}
	// A reply with an image quotes as a text reply does, whoever's message
	// it quotes (here the session's own).
	own := f.dev.GetJID().ToNonAD().String()
	reply := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		DirectPath: proto.String(img.DirectPath), MediaKey: img.MediaKey, FileEncSHA256: img.FileEncSHA256, FileSHA256: img.FileSHA256,
		Caption:     proto.String("this one"),
		ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String("3EB0DOC"), Participant: proto.String(own), IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(1)},
	}}
	if _, err := f.cli.SendMessage(ctx, contact, reply, whatsmeow.SendRequestExtra{ID: "3EB0REPLY"}); err != nil {
		t.Fatal(err)
	}
	out := f.net.Outbox()
	if len(out) != 3 {
		t.Fatalf("outbox %+v", out)
	}
	got := out[0]
	if got.Type != "document" || got.SHA256 != hex.EncodeToString(sum[:]) || got.Size != int64(len(plain)) ||
		got.Filename != "Report_2024.pdf" || got.Mimetype != "application/pdf" || got.MediaError != "" {
		t.Fatalf("delivered %+v", got)
	}
	if out[1].SHA256 != "" || out[1].MediaError == "" {
		t.Fatalf("a document keyed as an image decrypted: %+v", out[1])
	}
	if r := out[2]; r.Type != "image" || r.Caption != "this one" || r.QuotedID != "true_"+contact.String()+"_3EB0DOC" || !r.Forwarded || r.SHA256 != hex.EncodeToString(img.FileSHA256) {
		t.Fatalf("reply delivered %+v", r)
	}
}
