package bridge_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

// mediaFields are what WhatsApp's upload gives every media message: the
// CDN's path and URL, the key and the two hashes, the length.
type mediaFields struct {
	url, path string
	key, enc  []byte
	sha       []byte
	length    uint64
}

func uploaded(content string) mediaFields {
	sum := sha256.Sum256([]byte(content))
	enc := sha256.Sum256([]byte("enc:" + content))
	return mediaFields{
		url:  "https://mmg.whatsapp.net/v/t62.7118-24/1234_5678.enc?ccb=11-4",
		path: "/v/t62.7118-24/1234_5678.enc?ccb=11-4", key: make([]byte, 32),
		enc: enc[:], sha: sum[:], length: uint64(len(content)),
	}
}

func mediaCases() []struct {
	name string
	raw  *waE2E.Message
} {
	img, vid, ptv, aud, doc, stk := uploaded("image"), uploaded("video"), uploaded("ptv"),
		uploaded("voice"), uploaded("document"), uploaded("sticker")
	quote := &waE2E.ContextInfo{
		StanzaID: proto.String("3EB0ASKED"), Participant: proto.String(ownPN.String()),
		QuotedMessage: &waE2E.Message{Conversation: proto.String("send me the contract")},
	}
	return []struct {
		name string
		raw  *waE2E.Message
	}{
		{"media_image_caption", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			URL: proto.String(img.url), DirectPath: proto.String(img.path), MediaKey: img.key,
			FileEncSHA256: img.enc, FileSHA256: img.sha, FileLength: proto.Uint64(img.length),
			Mimetype: proto.String("image/jpeg"), Caption: proto.String("the view from here"),
			Width: proto.Uint32(1600), Height: proto.Uint32(1200), JPEGThumbnail: []byte{0xff, 0xd8, 0xff},
			MediaKeyTimestamp: proto.Int64(1741964966),
		}}},
		{"media_image_view_once", &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{
			Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
				URL: proto.String(img.url), DirectPath: proto.String(img.path), MediaKey: img.key,
				FileEncSHA256: img.enc, FileSHA256: img.sha, FileLength: proto.Uint64(img.length),
				Mimetype: proto.String("image/jpeg"), Width: proto.Uint32(800), Height: proto.Uint32(600),
				ViewOnce: proto.Bool(true),
			}},
		}}},
		{"media_video_forwarded", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			URL: proto.String(vid.url), DirectPath: proto.String(vid.path), MediaKey: vid.key,
			FileEncSHA256: vid.enc, FileSHA256: vid.sha, FileLength: proto.Uint64(vid.length),
			Mimetype: proto.String("video/mp4"), Caption: proto.String("happy birthday!"),
			Seconds: proto.Uint32(31), Width: proto.Uint32(1280), Height: proto.Uint32(720),
			ContextInfo: &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(1)},
		}}},
		{"media_video_gif", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			URL: proto.String(vid.url), DirectPath: proto.String(vid.path), MediaKey: vid.key,
			FileEncSHA256: vid.enc, FileSHA256: vid.sha, FileLength: proto.Uint64(vid.length),
			Mimetype: proto.String("video/mp4"), Seconds: proto.Uint32(3), GifPlayback: proto.Bool(true),
			GifAttribution: waE2E.VideoMessage_GIPHY.Enum(),
		}}},
		{"media_video_note", &waE2E.Message{PtvMessage: &waE2E.VideoMessage{
			URL: proto.String(ptv.url), DirectPath: proto.String(ptv.path), MediaKey: ptv.key,
			FileEncSHA256: ptv.enc, FileSHA256: ptv.sha, FileLength: proto.Uint64(ptv.length),
			Mimetype: proto.String("video/mp4"), Seconds: proto.Uint32(9), Width: proto.Uint32(384), Height: proto.Uint32(384),
		}}},
		{"media_voice_note", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			URL: proto.String(aud.url), DirectPath: proto.String(aud.path), MediaKey: aud.key,
			FileEncSHA256: aud.enc, FileSHA256: aud.sha, FileLength: proto.Uint64(aud.length),
			Mimetype: proto.String("audio/ogg; codecs=opus"), Seconds: proto.Uint32(7), PTT: proto.Bool(true),
			Waveform: make([]byte, 64),
		}}},
		{"media_audio_ephemeral", &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{
			Message: &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
				URL: proto.String(aud.url), DirectPath: proto.String(aud.path), MediaKey: aud.key,
				FileEncSHA256: aud.enc, FileSHA256: aud.sha, FileLength: proto.Uint64(aud.length),
				Mimetype: proto.String("audio/mpeg"), Seconds: proto.Uint32(215),
				ContextInfo: &waE2E.ContextInfo{Expiration: proto.Uint32(86400)},
			}},
		}}},
		{"media_document_reply", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			URL: proto.String(doc.url), DirectPath: proto.String(doc.path), MediaKey: doc.key,
			FileEncSHA256: doc.enc, FileSHA256: doc.sha, FileLength: proto.Uint64(doc.length),
			Mimetype: proto.String("application/pdf"), FileName: proto.String("contract.pdf"),
			Title: proto.String("contract.pdf"), PageCount: proto.Uint32(3), ContextInfo: quote,
		}}},
		{"media_document_with_caption", &waE2E.Message{DocumentWithCaptionMessage: &waE2E.FutureProofMessage{
			Message: &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
				URL: proto.String(doc.url), DirectPath: proto.String(doc.path), MediaKey: doc.key,
				FileEncSHA256: doc.enc, FileSHA256: doc.sha, FileLength: proto.Uint64(doc.length),
				Mimetype: proto.String("text/csv"), FileName: proto.String("q1 figures.csv"),
				Caption: proto.String("the figures, as promised"),
			}},
		}}},
		{"media_sticker_animated", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{
			URL: proto.String(stk.url), DirectPath: proto.String(stk.path), MediaKey: stk.key,
			FileEncSHA256: stk.enc, FileSHA256: stk.sha, FileLength: proto.Uint64(stk.length),
			Mimetype: proto.String("image/webp"), Width: proto.Uint32(512), Height: proto.Uint32(512),
			IsAnimated: proto.Bool(true),
		}}},
	}
}

// Every media kind becomes its message.received with the declared facts
// and the media reference: golden and valid against the schema.
func TestTranslateMediaKinds(t *testing.T) {
	src := types.MessageSource{Chat: alicePN, Sender: alicePN, SenderAlt: aliceLID, AddressingMode: types.AddressingModePN}
	for _, tt := range mediaCases() {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.loggedInConnected("default")
			e.sink.reset()
			if !c.push(kindMessage(src, "3EB0MEDIA"+tt.name, tt.raw)) {
				t.Fatal("handler reported failure")
			}
			got := e.sink.ofType(events.TypeMessageReceived)
			if len(got) != 1 {
				t.Fatalf("%d message.received, want 1", len(got))
			}
			if err := events.Validate(got[0]); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
			d := got[0].Data.(events.MessageReceived)
			if d.Media == nil || !events.IsMediaKind(d.Type) {
				t.Fatalf("%s without media: %+v", d.Type, d)
			}
			golden(t, tt.name, got[0])
		})
	}
}

// The facts a consumer relies on, asserted outright (the golden files pin
// the rest): sha256 is the plaintext's in hex, the flags are the kind's.
func TestTranslateMediaFacts(t *testing.T) {
	src := types.MessageSource{Chat: alicePN, Sender: alicePN}
	want := sha256.Sum256([]byte("voice"))
	byName := map[string]func(events.MessageReceived) bool{
		"media_voice_note": func(d events.MessageReceived) bool {
			return d.Type == events.KindAudio && d.Media.PTT && d.Media.Seconds == 7 && d.Media.SHA256 == hex.EncodeToString(want[:])
		},
		"media_video_note": func(d events.MessageReceived) bool {
			return d.Type == events.KindVideo && d.Media.VideoNote && !d.Media.GIF
		},
		"media_image_view_once": func(d events.MessageReceived) bool {
			return d.Type == events.KindImage && d.ViewOnce && d.Media.Width == 800
		},
		"media_document_with_caption": func(d events.MessageReceived) bool {
			return d.Type == events.KindDocument && d.Caption == "the figures, as promised" && d.Media.Filename == "q1 figures.csv"
		},
		"media_sticker_animated": func(d events.MessageReceived) bool {
			return d.Type == events.KindSticker && d.Media.Animated && d.Media.Mimetype == "image/webp"
		},
	}
	for _, tt := range mediaCases() {
		check, ok := byName[tt.name]
		if !ok {
			continue
		}
		e := newEnv(t)
		c := e.loggedInConnected("default")
		e.sink.reset()
		c.push(kindMessage(src, "3EB0FACT", tt.raw))
		got := e.sink.ofType(events.TypeMessageReceived)
		if len(got) != 1 || !check(got[0].Data.(events.MessageReceived)) {
			t.Errorf("%s translated as %+v", tt.name, got)
		}
	}
}

// A media id is deterministic, URL-safe, names the session's message and
// only that: another session's id for the same message differs, and a
// tampered one does not resolve.
func TestMediaID(t *testing.T) {
	msg := "false_120363025246125888@g.us_3EB0C767D26A1D12"
	id := bridge.MediaID("default", msg)
	if id != bridge.MediaID("default", msg) {
		t.Fatal("media id is not deterministic")
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$`).MatchString(id) {
		t.Fatalf("media id %q is not URL-safe", id)
	}
	if other := bridge.MediaID("shop", msg); other == id {
		t.Fatal("two sessions name one message's media alike")
	}
	back, err := bridge.ParseMediaID("default", id)
	if err != nil || back != msg {
		t.Fatalf("ParseMediaID = %q, %v; want %q", back, err, msg)
	}
	for _, bad := range []string{id[:len(id)-1] + "A", "shop" + id, "x." + id[len(id)-16:], "nodot", ""} {
		if _, err := bridge.ParseMediaID("default", bad); werr.From(err).Code != werr.CodeNotFound {
			t.Errorf("ParseMediaID(%q) = %v, want NOT_FOUND", bad, err)
		}
	}
	if _, err := bridge.ParseMediaID("shop", id); werr.From(err).Code != werr.CodeNotFound {
		t.Errorf("another session's id resolved: %v", err)
	}
}
