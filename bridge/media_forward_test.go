package bridge_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
)

// Every received media kind forwards as the same encrypted blob (URL,
// direct path, key, hashes, length unchanged: nothing is uploaded) with
// only the forwarded mark as its context; a round video note stays one.
func TestForwardEveryMediaKind(t *testing.T) {
	e, c := chatEnv(t)
	blob := func() (*string, *string, []byte, []byte, []byte, *uint64) {
		return proto.String("https://mmg.whatsapp.net/v/x"), proto.String("/v/x"), []byte{1, 2}, []byte{3}, []byte{4}, proto.Uint64(99)
	}
	quote := &waE2E.ContextInfo{StanzaID: proto.String("3EB0Q"), Participant: proto.String(alicePN.String())}
	u, p, k, sha, enc, n := blob()
	msgs := map[string]*waE2E.Message{
		"3EB0FWVID": {VideoMessage: &waE2E.VideoMessage{URL: u, DirectPath: p, MediaKey: k, FileSHA256: sha, FileEncSHA256: enc, FileLength: n, Mimetype: proto.String("video/mp4"), ContextInfo: quote}},
		"3EB0FWPTV": {PtvMessage: &waE2E.VideoMessage{URL: u, DirectPath: p, MediaKey: k, FileSHA256: sha, FileEncSHA256: enc, FileLength: n, Mimetype: proto.String("video/mp4"), ContextInfo: quote}},
		"3EB0FWAUD": {AudioMessage: &waE2E.AudioMessage{URL: u, DirectPath: p, MediaKey: k, FileSHA256: sha, FileEncSHA256: enc, FileLength: n, PTT: proto.Bool(true), ContextInfo: quote}},
		"3EB0FWDOC": {DocumentMessage: &waE2E.DocumentMessage{URL: u, DirectPath: p, MediaKey: k, FileSHA256: sha, FileEncSHA256: enc, FileLength: n, FileName: proto.String("a.pdf"), ContextInfo: quote}},
		"3EB0FWSTK": {StickerMessage: &waE2E.StickerMessage{URL: u, DirectPath: p, MediaKey: k, FileSHA256: sha, FileEncSHA256: enc, FileLength: n, Mimetype: proto.String("image/webp"), ContextInfo: quote}},
	}
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	for id, m := range msgs {
		if !c.push(kindMessage(src, id, m)) {
			t.Fatalf("message %s not handled", id)
		}
	}
	s := e.session("default")
	for id, m := range msgs {
		if _, err := s.ForwardMessage(context.Background(), bridge.ForwardRequest{MessageID: id, To: group.String(), Key: "fw-" + id}); err != nil {
			t.Errorf("forwarding %s: %v", id, err)
			continue
		}
		sent := c.sentMessages()
		got := sent[len(sent)-1].Msg
		want := proto.CloneOf(m)
		mark := &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(1)}
		switch {
		case want.VideoMessage != nil:
			want.VideoMessage.ContextInfo = mark
		case want.PtvMessage != nil:
			want.PtvMessage.ContextInfo = mark
		case want.AudioMessage != nil:
			want.AudioMessage.ContextInfo = mark
		case want.DocumentMessage != nil:
			want.DocumentMessage.ContextInfo = mark
		case want.StickerMessage != nil:
			want.StickerMessage.ContextInfo = mark
		}
		if !proto.Equal(got, want) {
			t.Errorf("%s forwarded as\n%v\nwant\n%v", id, got, want)
		}
	}
}
