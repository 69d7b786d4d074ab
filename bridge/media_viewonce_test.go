package bridge_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// View-once media that only its wrapper marks (what older clients send:
// ViewOnceMessage, V2 or V2Extension around media without its own flag)
// stays view-once after whatsmeow unwrapped it: the index keeps the flag,
// so an on-demand download is described as view-once (the fetcher then
// stores it for one serve only), also for the audio V2Extension carries.
func TestDownloadKeepsWrapperOnlyViewOnce(t *testing.T) {
	e, f := newDownloadEnv(t)
	sum := sha256.Sum256(jpegBytes)
	f.put("/v/once", jpegBytes)
	image := func() *waE2E.Message {
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			DirectPath: proto.String("/v/once"), MediaKey: bytes.Repeat([]byte{1}, 32),
			FileEncSHA256: bytes.Repeat([]byte{2}, 32), FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(jpegBytes))),
			Mimetype: proto.String("image/jpeg"),
		}}
	}
	audio := &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
		DirectPath: proto.String("/v/once"), MediaKey: bytes.Repeat([]byte{1}, 32),
		FileEncSHA256: bytes.Repeat([]byte{2}, 32), FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(jpegBytes))),
		Mimetype: proto.String("audio/ogg; codecs=opus"), PTT: proto.Bool(true),
	}}
	cases := map[string]*waE2E.Message{
		"3EB0ONCE1": {ViewOnceMessage: &waE2E.FutureProofMessage{Message: image()}},
		"3EB0ONCE2": {ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: image()}},
		"3EB0ONCE3": {ViewOnceMessageV2Extension: &waE2E.FutureProofMessage{Message: audio}},
	}
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	for id, raw := range cases {
		e.sink.reset()
		if !f.push(kindMessage(src, id, raw)) {
			t.Fatalf("%s: handler reported failure", id)
		}
		got := e.sink.ofType(events.TypeMessageReceived)
		if len(got) != 1 || !got[0].Data.(events.MessageReceived).ViewOnce {
			t.Fatalf("%s: events %+v, want one view-once message.received", id, got)
		}
		d, err := download(t, e, bridge.DownloadRequest{Ref: got[0].Data.(events.MessageReceived).Media.ID})
		if err != nil {
			t.Fatalf("%s: DownloadMedia: %v", id, err)
		}
		if !d.ViewOnce {
			t.Fatalf("%s: downloaded view-once media described as %+v: not view-once", id, d)
		}
	}
}

// A view-once that only its wrapper marked is not forwarded either: the
// forward would hand the media on as an ordinary photo.
func TestForwardRefusesWrapperOnlyViewOnce(t *testing.T) {
	e, c := chatEnv(t)
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	raw := &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ImageMessage: &waE2E.ImageMessage{URL: proto.String("u"), DirectPath: proto.String("/v/once")},
	}}}
	if !c.push(kindMessage(src, "3EB0WRAPPED", raw)) {
		t.Fatal("message not handled")
	}
	_, err := e.session("default").ForwardMessage(context.Background(), bridge.ForwardRequest{MessageID: "3EB0WRAPPED", To: group.String()})
	wantCode(t, err, werr.CodeInvalidPayload)
	if n := len(c.sentMessages()); n != 0 {
		t.Errorf("%d messages sent, want none", n)
	}
}

// The index keeps the flag through its stored form.
func TestMessageIndexKeepsViewOnce(t *testing.T) {
	x := newIndex(t)
	m := bridge.StoredMessage{Chat: alicePN.String(), ID: "3EB0FLAG", Sender: alicePN.String(), Timestamp: fixedTime, ViewOnce: true,
		Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String("/v/x")}}}
	if err := x.Put("default", m); err != nil {
		t.Fatal(err)
	}
	got, err := x.Lookup("default", "3EB0FLAG", alicePN)
	if err != nil || !got.ViewOnce {
		t.Fatalf("Lookup: %+v, %v; want view-once", got, err)
	}
}

// A round video note marked view-once on itself is as view-once for the
// download as its event says it is.
func TestDownloadViewOnceVideoNote(t *testing.T) {
	e, f := newDownloadEnv(t)
	sum := sha256.Sum256(jpegBytes)
	f.put("/v/ptv", jpegBytes)
	raw := &waE2E.Message{PtvMessage: &waE2E.VideoMessage{
		DirectPath: proto.String("/v/ptv"), MediaKey: bytes.Repeat([]byte{1}, 32),
		FileEncSHA256: bytes.Repeat([]byte{2}, 32), FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(jpegBytes))),
		Mimetype: proto.String("video/mp4"), ViewOnce: proto.Bool(true),
	}}
	e.sink.reset()
	if !f.push(kindMessage(types.MessageSource{Chat: alicePN, Sender: alicePN}, "3EB0PTV1", raw)) {
		t.Fatal("handler reported failure")
	}
	got := e.sink.ofType(events.TypeMessageReceived)
	if len(got) != 1 || !got[0].Data.(events.MessageReceived).ViewOnce {
		t.Fatalf("events %+v, want one view-once message.received", got)
	}
	d, err := download(t, e, bridge.DownloadRequest{Ref: got[0].Data.(events.MessageReceived).Media.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !d.ViewOnce || d.Kind != events.KindVideo {
		t.Fatalf("downloaded a view-once video note as %+v", d)
	}
}

// A bridge that keeps no view-once media refuses one before downloading
// it; other media download as before.
func TestDownloadRefusesViewOnceUndownloaded(t *testing.T) {
	e, f := newDownloadEnv(t)
	sum := sha256.Sum256(jpegBytes)
	f.put("/v/once", jpegBytes)
	raw := &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		DirectPath: proto.String("/v/once"), MediaKey: bytes.Repeat([]byte{1}, 32), FileEncSHA256: bytes.Repeat([]byte{2}, 32),
		FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(jpegBytes))), Mimetype: proto.String("image/jpeg"),
	}}}}
	e.sink.reset()
	if !f.push(kindMessage(types.MessageSource{Chat: alicePN, Sender: alicePN}, "3EB0NOKEEP", raw)) {
		t.Fatal("handler reported failure")
	}
	id := e.sink.ofType(events.TypeMessageReceived)[0].Data.(events.MessageReceived).Media.ID
	_, err := download(t, e, bridge.DownloadRequest{Ref: id, RefuseViewOnce: true})
	if err == nil || werr.KindOf(err) != werr.KindNotFound {
		t.Fatalf("view-once refused: %v, want NOT_FOUND", err)
	}
	if asked := f.asked(); len(asked) != 0 {
		t.Fatalf("downloads asked %q, want none", asked)
	}
	plain := receiveImage(t, e, f, "3EB0KEEP", "/v/once", "", jpegBytes)
	if _, err := download(t, e, bridge.DownloadRequest{Ref: plain, RefuseViewOnce: true}); err != nil {
		t.Fatal(err)
	}
}

// Only a view-once photo or video is wrapped: the same image without the
// option, and stickers, documents and audio, are sent bare.
func TestSendMediaViewOnceEnvelopeOnlyWhenAsked(t *testing.T) {
	e, c := newMediaEnv(t, map[string]memFile{"photo": {data: jpegOf(t, 40, 30), mimetype: "image/jpeg"}})
	s := e.session("default")
	if _, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "mem:photo", Key: "plain"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Document, To: "4917612345678", Media: "mem:photo", ViewOnce: true, Key: "doc"}); err != nil {
		t.Fatal(err)
	}
	sent := c.sentMessages()
	if m := sent[0].Msg; m.GetImageMessage() == nil || m.ViewOnceMessageV2 != nil || m.GetImageMessage().ViewOnce != nil {
		t.Fatalf("plain image sent as %v", m)
	}
	if m := sent[1].Msg; m.GetDocumentMessage() == nil || m.ViewOnceMessageV2 != nil {
		t.Fatalf("document sent as %v", m)
	}
}

// The bridge's own view-once send is kept as it was sent, in its envelope:
// it is still known as view-once, so it is not forwarded.
func TestOwnViewOnceSendIsNotForwarded(t *testing.T) {
	e, _ := newMediaEnv(t, map[string]memFile{"photo": {data: jpegOf(t, 40, 30), mimetype: "image/jpeg"}})
	s := e.session("default")
	res, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "mem:photo", ViewOnce: true, Key: "once"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Commit(res.Cache); err != nil {
		t.Fatal(err)
	}
	_, err = s.ForwardMessage(context.Background(), bridge.ForwardRequest{MessageID: res.MessageID, To: "4917612345679", Key: "fwd"})
	if err == nil || !strings.Contains(err.Error(), "view-once") {
		t.Fatalf("forwarding the own view-once photo: %v", err)
	}
}
