package bridge_test

import (
	"bytes"
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
)

// receivedPhoto is an image from Alice as whatsmeow delivers it: the
// upload's location and keys, a thumbnail, a caption that itself quotes a
// message and mentions Bob, and the message's own secret.
func receivedPhoto(id string) *waE2E.Message {
	return &waE2E.Message{
		ImageMessage: &waE2E.ImageMessage{
			URL: proto.String("https://mmg.whatsapp.net/v/t62.7118-24/photo.enc"), DirectPath: proto.String("/v/t62.7118-24/photo.enc"),
			MediaKey: bytes.Repeat([]byte{7}, 32), MediaKeyTimestamp: proto.Int64(1741964966),
			FileSHA256: bytes.Repeat([]byte{1}, 32), FileEncSHA256: bytes.Repeat([]byte{2}, 32), FileLength: proto.Uint64(48213),
			Mimetype: proto.String("image/jpeg"), Caption: proto.String("the venue " + id), Width: proto.Uint32(1280), Height: proto.Uint32(960),
			JPEGThumbnail: []byte{0xff, 0xd8, 0xff, 0xd9},
			ContextInfo: &waE2E.ContextInfo{
				StanzaID: proto.String("3EB0EARLIER01"), Participant: proto.String(bobPN.String()),
				QuotedMessage: &waE2E.Message{Conversation: proto.String("where is it?")},
				MentionedJID:  []string{bobPN.String()},
			},
		},
		MessageContextInfo: &waE2E.MessageContextInfo{MessageSecret: bytes.Repeat([]byte{9}, 32)},
	}
}

// A reply quotes a copy of the message as WhatsApp clients do: the content
// without its own context (no quote of a quote, no mentions, no forwarded
// mark) and without the message's secret; a view-once media stays marked
// view-once (whatsmeow unwraps the wrapper that carried the mark) and the
// quote carries nothing that would open it again: no location, keys,
// thumbnail or caption.
func TestReplyQuotesACopyOfTheContent(t *testing.T) {
	e, c := newMediaEnv(t, map[string]memFile{"photo": {data: jpegOf(t, 16, 16), mimetype: "image/jpeg"}})
	photo := incoming(alicePN, "3EB0PHOTO01", "")
	photo.Message = receivedPhoto("3EB0PHOTO01")
	once := incoming(alicePN, "3EB0ONCE01", "")
	once.Message, once.IsViewOnce = receivedPhoto("3EB0ONCE01"), true
	for _, evt := range []any{photo, once} {
		if !c.push(evt) {
			t.Fatal("incoming image not handled")
		}
	}
	plainQuote := &waE2E.Message{ImageMessage: proto.CloneOf(photo.Message.ImageMessage)}
	plainQuote.ImageMessage.ContextInfo = nil
	onceQuote := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(48213), Width: proto.Uint32(1280), Height: proto.Uint32(960),
		ViewOnce: proto.Bool(true),
	}}

	s := e.session("default")
	for i, tc := range []struct {
		replyTo string
		want    *waE2E.Message
	}{
		{"3EB0PHOTO01", plainQuote},
		{"3EB0ONCE01", onceQuote},
	} {
		ctx := context.Background()
		if _, err := s.SendText(ctx, bridge.SendTextRequest{To: alicePN.User, Text: "nice", ReplyTo: tc.replyTo, Key: "text-" + tc.replyTo}); err != nil {
			t.Fatalf("text reply to %s: %v", tc.replyTo, err)
		}
		if _, err := s.SendMedia(ctx, bridge.SendMediaRequest{Kind: media.Image, To: alicePN.User, Media: "mem:photo", ReplyTo: tc.replyTo, Key: "img-" + tc.replyTo}); err != nil {
			t.Fatalf("image reply to %s: %v", tc.replyTo, err)
		}
		sent := c.sentMessages()
		text, img := sent[2*i].Msg.GetExtendedTextMessage().GetContextInfo(), sent[2*i+1].Msg.GetImageMessage().GetContextInfo()
		for what, ci := range map[string]*waE2E.ContextInfo{"text": text, "image": img} {
			want := &waE2E.ContextInfo{StanzaID: proto.String(tc.replyTo), Participant: proto.String(alicePN.String()), QuotedMessage: tc.want}
			if !proto.Equal(ci, want) {
				t.Errorf("%s reply to %s: context\n got %v\nwant %v", what, tc.replyTo, ci, want)
			}
		}
	}
}
