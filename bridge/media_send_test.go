package bridge_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

const contactJID = "4917612345678@s.whatsapp.net"

// An image is uploaded as an image, in memory, and sent as WhatsApp's
// ImageMessage: the upload's URL, path, key and hashes, the JPEG's own
// mimetype, length, dimensions and thumbnail, the caption, view once as
// phones send it (the flag on the message, the message in a
// ViewOnceMessageV2), and the quote's context.
func TestSendImageBuildsImageMessage(t *testing.T) {
	photo := jpegOf(t, 64, 48)
	e, c := newMediaEnv(t, map[string]memFile{"photo": {data: photo, mimetype: "image/jpeg"}})
	s := e.session("default")
	ctx := context.Background()
	first, err := s.SendText(ctx, bridge.SendTextRequest{To: "4917612345678", Text: "see below", Key: "t-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Commit(first.Cache); err != nil {
		t.Fatal(err)
	}
	res, err := s.SendMedia(ctx, bridge.SendMediaRequest{
		Kind: media.Image, To: "4917612345678", Media: "mem:photo", Caption: "Check this image!",
		ViewOnce: true, ReplyTo: first.MessageID, Key: "img-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	ups := c.up.list()
	if len(ups) != 1 || ups[0].MediaType != whatsmeow.MediaImage || ups[0].Reader || !bytes.Equal(ups[0].Plaintext, photo) {
		t.Fatalf("uploads %+v, want the JPEG once as an image from memory", summary(ups))
	}
	sent := c.sentMessages()
	img := sent[len(sent)-1].Msg.GetViewOnceMessageV2().GetMessage().GetImageMessage()
	if img == nil || sent[len(sent)-1].Msg.GetImageMessage() != nil {
		t.Fatalf("sent %v, want an ImageMessage in a ViewOnceMessageV2 and nothing beside it", sent[len(sent)-1].Msg)
	}
	sum := sha256.Sum256(photo)
	want := &waE2E.ImageMessage{
		URL: img.URL, DirectPath: img.DirectPath, MediaKey: bytes.Repeat([]byte{1}, 32), MediaKeyTimestamp: img.MediaKeyTimestamp,
		FileEncSHA256: img.FileEncSHA256, FileSHA256: sum[:], FileLength: proto.Uint64(uint64(len(photo))),
		Mimetype: proto.String("image/jpeg"), Caption: proto.String("Check this image!"),
		Width: proto.Uint32(64), Height: proto.Uint32(48), JPEGThumbnail: img.JPEGThumbnail, ViewOnce: proto.Bool(true),
		ContextInfo: &waE2E.ContextInfo{
			StanzaID: proto.String(first.WAID), Participant: proto.String(ownPN.ToNonAD().String()),
			QuotedMessage: &waE2E.Message{Conversation: proto.String("see below")},
		},
	}
	if !proto.Equal(img, want) {
		t.Fatalf("image message\n got %v\nwant %v", img, want)
	}
	if img.GetURL() == "" || img.GetDirectPath() == "" || img.GetMediaKeyTimestamp() == 0 {
		t.Fatalf("upload location missing: %v", img)
	}
	if th, err := jpeg.DecodeConfig(bytes.NewReader(img.GetJPEGThumbnail())); err != nil || max(th.Width, th.Height) > 72 {
		t.Fatalf("thumbnail %+v, %v: want a JPEG of at most 72 px", th, err)
	}
	if res.Media.SHA256 != hex.EncodeToString(sum[:]) || res.Media.Size != uint64(len(photo)) || res.Media.Mimetype != "image/jpeg" || !res.Media.ViewOnce {
		t.Fatalf("result media %+v", res.Media)
	}
	if sent[len(sent)-1].Extra.ID != bridge.MessageIDFromKey("img-1") || res.WAID != bridge.MessageIDFromKey("img-1") || res.Cache == nil {
		t.Fatalf("sent under %s, result %+v: want the key's id and a cache write", sent[len(sent)-1].Extra.ID, res.SendResult)
	}
}

// Each command uploads with the media type of its message (stickers as
// images), documents streaming through a temporary file; each message
// carries its kind's fields. The same document sent again reuses its
// upload.
func TestSendMediaUploadTypePerKind(t *testing.T) {
	doc := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	e, c := newMediaEnv(t, map[string]memFile{
		"png": {data: pngOf(t, 300, 150)},
		"pdf": {data: doc, mimetype: "application/pdf", filename: "upload.pdf"},
	})
	s := e.session("default")
	for i, tc := range []struct {
		req     bridge.SendMediaRequest
		mt      whatsmeow.MediaType
		reader  bool
		uploads int // so far
		check   func(*waE2E.Message) bool
	}{
		{bridge.SendMediaRequest{Kind: media.Sticker, Media: "mem:png"}, whatsmeow.MediaImage, false, 1, func(m *waE2E.Message) bool {
			st := m.GetStickerMessage()
			return st.GetMimetype() == "image/webp" && st.GetWidth() == 512 && st.GetHeight() == 512 && st.IsAnimated != nil && !st.GetIsAnimated()
		}},
		{bridge.SendMediaRequest{Kind: media.Document, Media: "mem:pdf", Filename: "Report_2024.pdf", Caption: "Q4"}, whatsmeow.MediaDocument, true, 2, func(m *waE2E.Message) bool {
			d := m.GetDocumentMessage()
			return d.GetFileName() == "Report_2024.pdf" && d.GetTitle() == "Report_2024.pdf" && d.GetMimetype() == "application/pdf" &&
				d.GetCaption() == "Q4" && d.GetFileLength() == uint64(len(doc))
		}},
		{bridge.SendMediaRequest{Kind: media.Document, Media: "mem:pdf"}, whatsmeow.MediaDocument, true, 2, func(m *waE2E.Message) bool {
			return m.GetDocumentMessage().GetFileName() == "upload.pdf" // the source's name when none is given
		}},
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:png", Compress: true}, whatsmeow.MediaImage, false, 3, func(m *waE2E.Message) bool {
			img := m.GetImageMessage()
			return img.GetMimetype() == "image/jpeg" && img.GetWidth() == 300 && img.GetHeight() == 150 && img.ViewOnce == nil
		}},
	} {
		tc.req.To, tc.req.Key = "4917612345678", "k-"+string(rune('a'+i))
		if _, err := s.SendMedia(context.Background(), tc.req); err != nil {
			t.Fatalf("%s: %v", tc.req.Kind, err)
		}
		ups := c.up.list()
		last := ups[len(ups)-1]
		if len(ups) != tc.uploads || last.MediaType != tc.mt || last.Reader != tc.reader {
			t.Fatalf("%s: uploads %v, want %d with the last as %q (reader %v)", tc.req.Kind, summary(ups), tc.uploads, tc.mt, tc.reader)
		}
		sent := c.sentMessages()
		if msg := sent[len(sent)-1].Msg; !tc.check(msg) {
			t.Fatalf("%s: sent %v", tc.req.Kind, msg)
		}
	}
}

// A voice note is OGG/Opus with seconds and a 64-bar waveform, PTT set;
// plain audio is not a voice note. Both upload as audio.
func TestSendAudioVoiceNote(t *testing.T) {
	mp3 := ffmpegMade(t, "a.mp3", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libmp3lame")
	e, c := newMediaEnv(t, map[string]memFile{"mp3": {data: mp3, mimetype: "audio/mpeg"}})
	s := e.session("default")
	res, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Audio, To: "4917612345678", Media: "mem:mp3", PTT: true, Key: "ptt-1"})
	if err != nil {
		t.Fatal(err)
	}
	a := c.sentMessages()[0].Msg.GetAudioMessage()
	if a.GetMimetype() != "audio/ogg; codecs=opus" || !a.GetPTT() || a.GetSeconds() < 1 || a.GetSeconds() > 3 || len(a.GetWaveform()) != 64 {
		t.Fatalf("voice note %v", a)
	}
	ups := c.up.list()
	if len(ups) != 1 || ups[0].MediaType != whatsmeow.MediaAudio || !bytes.HasPrefix(ups[0].Plaintext, []byte("OggS")) {
		t.Fatalf("uploads %v, want the OGG as audio", summary(ups))
	}
	if sum := sha256.Sum256(ups[0].Plaintext); res.Media.SHA256 != hex.EncodeToString(sum[:]) || !res.Media.PTT {
		t.Fatalf("result %+v: want the uploaded OGG's sha256", res.Media)
	}
	if _, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Audio, To: "4917612345678", Media: "mem:mp3", Key: "audio-1"}); err != nil {
		t.Fatal(err)
	}
	plain := c.sentMessages()[1].Msg.GetAudioMessage()
	if plain.GetPTT() || plain.PTT == nil || plain.GetMimetype() == "audio/ogg; codecs=opus" || plain.Waveform != nil || !bytes.Equal(c.up.list()[1].Plaintext, mp3) {
		t.Fatalf("audio file %v", plain)
	}
}

// A video carries its dimensions, seconds and thumbnail, is no GIF, and
// is view once when asked.
func TestSendVideoBuildsVideoMessage(t *testing.T) {
	mp4 := ffmpegMade(t, "v.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p")
	e, c := newMediaEnv(t, map[string]memFile{"mp4": {data: mp4, mimetype: "video/mp4"}})
	_, err := e.session("default").SendMedia(context.Background(), bridge.SendMediaRequest{
		Kind: media.Video, To: "4917612345678", Media: "mem:mp4", Caption: "Watch this video!", ViewOnce: true, Key: "v-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	v := c.sentMessages()[0].Msg.GetViewOnceMessageV2().GetMessage().GetVideoMessage()
	if v.GetMimetype() != "video/mp4" || v.GetWidth() != 160 || v.GetHeight() != 120 || v.GetSeconds() < 1 || v.GetSeconds() > 3 ||
		v.GifPlayback == nil || v.GetGifPlayback() || len(v.GetJPEGThumbnail()) == 0 || !v.GetViewOnce() || v.GetCaption() != "Watch this video!" ||
		v.GetFileLength() != uint64(len(mp4)) {
		t.Fatalf("video message %v", v)
	}
	if ups := c.up.list(); len(ups) != 1 || ups[0].MediaType != whatsmeow.MediaVideo {
		t.Fatalf("uploads %v", summary(ups))
	}
}

// A command that failed after its upload and is retried under the same
// key sends the same upload again instead of uploading twice; other
// content is uploaded anew.
func TestRetriedMediaSendUploadsOnce(t *testing.T) {
	e, c := newMediaEnv(t, map[string]memFile{"a": {data: jpegOf(t, 32, 32)}, "b": {data: jpegOf(t, 33, 32)}})
	s := e.session("default")
	req := bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "mem:a", Key: "retry-1"}
	c.mu.Lock()
	c.sendErr = errors.New("websocket closed")
	c.mu.Unlock()
	if _, err := s.SendMedia(context.Background(), req); werr.From(err).Code != werr.CodeUpstream {
		t.Fatalf("failed send: %v", err)
	}
	c.mu.Lock()
	c.sendErr = nil
	c.mu.Unlock()
	if _, err := s.SendMedia(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if ups := c.up.list(); len(ups) != 1 {
		t.Fatalf("%d uploads for one content, want 1", len(ups))
	}
	first := c.sentMessages()[0].Msg.GetImageMessage()
	req.Media, req.Key = "mem:b", "retry-2"
	if _, err := s.SendMedia(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if ups := c.up.list(); len(ups) != 2 {
		t.Fatalf("%d uploads after new content, want 2", len(ups))
	}
	if second := c.sentMessages()[1].Msg.GetImageMessage(); bytes.Equal(second.GetMediaKey(), first.GetMediaKey()) {
		t.Fatal("new content reused the first upload")
	}
}

// Bad input is refused before anything is uploaded or sent: content that
// is not the kind (a PDF as image), a declared type the content
// contradicts, a missing object, input over the kind's limit, no media
// source configured. An upload failure is classified.
func TestSendMediaRefusals(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	photo := jpegOf(t, 16, 16)
	e, c := newMediaEnv(t, map[string]memFile{
		"pdf": {data: pdf}, "lying": {data: pdf, mimetype: "image/jpeg"}, "photo": {data: photo},
		"big": {data: bytes.Repeat([]byte{0}, 1<<20+1)},
	})
	s := e.session("default")
	for _, tc := range []struct {
		req  bridge.SendMediaRequest
		code string
	}{
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:pdf"}, werr.CodeUnsupportedMedia},
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:lying"}, werr.CodeUnsupportedMedia},
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:missing"}, werr.CodeNotFound},
		{bridge.SendMediaRequest{Kind: media.Sticker, Media: "mem:big"}, werr.CodeMediaTooLarge},
		{bridge.SendMediaRequest{Kind: "gif", Media: "mem:photo"}, werr.CodeInvalidPayload},
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:photo", To: "+49 176"}, werr.CodeInvalidRecipient},
		{bridge.SendMediaRequest{Kind: media.Image, Media: "mem:photo", ReplyTo: "false_4917612345678@s.whatsapp.net_NOPE"}, werr.CodeMessageNotFound},
	} {
		if tc.req.To == "" {
			tc.req.To = "4917612345678"
		}
		if _, err := s.SendMedia(context.Background(), tc.req); werr.From(err).Code != tc.code {
			t.Errorf("%+v: %v, want %s", tc.req, err, tc.code)
		}
	}
	c.up.mu.Lock()
	c.up.fail = errors.New("upload failed with status code 500")
	c.up.mu.Unlock()
	if _, err := s.SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "mem:photo"}); werr.From(err).Code != werr.CodeUpstream {
		t.Errorf("failed upload: %v, want UPSTREAM_ERROR", err)
	}
	if ups, sent := c.up.list(), c.sentMessages(); len(ups) != 0 || len(sent) != 0 {
		t.Fatalf("refused sends uploaded %v and sent %v", summary(ups), sent)
	}

	bare, _ := wrappedEnv(t, func(c *fakeClient) mediaFake { return mediaFake{c, &uploads{}} }, nil)
	if _, err := bare.session("default").SendMedia(context.Background(), bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "data:image/jpeg;base64,/9j/"}); werr.From(err).Code != werr.CodeNotSupported {
		t.Fatalf("without a media source: %v, want NOT_SUPPORTED", err)
	}
}

// summary lists uploads without their bytes.
func summary(ups []uploadCall) []string {
	out := make([]string, 0, len(ups))
	for _, u := range ups {
		sum := sha256.Sum256(u.Plaintext)
		out = append(out, string(u.MediaType)+"/"+map[bool]string{true: "reader", false: "memory"}[u.Reader]+"/"+hex.EncodeToString(sum[:4]))
	}
	return out
}
