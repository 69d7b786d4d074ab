package sandbox_test

import (
	"encoding/json"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// The outbox shows a link's preview as the recipient's phone would.
func TestOutboxShowsLinkPreview(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	msg := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String("Look\nhttps://example.com/p"), MatchedText: proto.String("https://example.com/p"),
		Title: proto.String("T"), Description: proto.String("D"), PreviewType: waE2E.ExtendedTextMessage_NONE.Enum(),
		JPEGThumbnail: []byte{0xff, 0xd8, 0xff}, ThumbnailWidth: proto.Uint32(192), ThumbnailHeight: proto.Uint32(96),
	}}
	if _, err := f.cli.SendMessage(testCtx(t), contact, msg, whatsmeow.SendRequestExtra{ID: "3EB0LINK"}); err != nil {
		t.Fatal(err)
	}
	plain := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("https://example.com/p")}}
	if _, err := f.cli.SendMessage(testCtx(t), contact, plain, whatsmeow.SendRequestExtra{ID: "3EB0PLAIN"}); err != nil {
		t.Fatal(err)
	}
	out := f.net.Outbox()
	raw, err := json.Marshal(out[0].LinkPreview)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"matched_text":"https://example.com/p","title":"T","description":"D","preview_type":"NONE","thumbnail_bytes":3,"thumbnail_width":192,"thumbnail_height":96}`
	if string(raw) != want {
		t.Fatalf("link preview\n got %s\nwant %s", raw, want)
	}
	if out[1].LinkPreview != nil {
		t.Fatalf("a link without a preview shows %+v", out[1].LinkPreview)
	}
}
