package commands_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// Each media command's reference body reaches the session's SendMedia as
// the request of its kind, with the command's key.
func TestMediaCommandsReachSendMedia(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		name, data string
		want       bridge.SendMediaRequest
	}{
		{"send.image", `{"phone":"4917612345678","caption":"Amazing picture!","image":"data:image/jpeg;base64,/9j/4AAQ","view_once":true,"compress":false,"reply_message_id":"false_120363xxx@g.us_xxx","mentions":["4917600000002"],"is_forwarded":true}`,
			bridge.SendMediaRequest{Kind: media.Image, To: "4917612345678", Media: "data:image/jpeg;base64,/9j/4AAQ", Caption: "Amazing picture!", ViewOnce: true, ReplyTo: "false_120363xxx@g.us_xxx", Mentions: []string{"4917600000002"}, Forwarded: true}},
		{"send.audio", `{"phone":"4917612345678","audio":"nats-object://WA_MEDIA/upload/a1","ptt":true}`,
			bridge.SendMediaRequest{Kind: media.Audio, To: "4917612345678", Media: "nats-object://WA_MEDIA/upload/a1", PTT: true}},
		{"send.video", `{"phone":"4917612345678","caption":"Watch this video!","view_once":true,"compress":true,"video":"https://example.com/v.mp4"}`,
			bridge.SendMediaRequest{Kind: media.Video, To: "4917612345678", Media: "https://example.com/v.mp4", Caption: "Watch this video!", ViewOnce: true, Compress: true}},
		{"send.document", `{"phone":"4917612345678","document":"nats-object://WA_MEDIA/upload/d1","filename":"Report_2024.pdf","mimetype":"application/pdf"}`,
			bridge.SendMediaRequest{Kind: media.Document, To: "4917612345678", Media: "nats-object://WA_MEDIA/upload/d1", Filename: "Report_2024.pdf", Mimetype: "application/pdf"}},
		{"send.sticker", `{"phone":"4917612345678","sticker":"data:image/webp;base64,UklGRg"}`,
			bridge.SendMediaRequest{Kind: media.Sticker, To: "4917612345678", Media: "data:image/webp;base64,UklGRg"}},
	} {
		b, _ := answer(t, r, tc.name, "id-"+tc.name, tc.data)
		if b.Status != 200 {
			t.Fatalf("%s: %d %s %s", tc.name, b.Status, b.Code, b.Message)
		}
		r.sess.mu.Lock()
		got := r.sess.media[len(r.sess.media)-1]
		r.sess.mu.Unlock()
		if got.Key == "" {
			t.Errorf("%s: no key", tc.name)
		}
		got.Key = ""
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: request\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
		var data map[string]any
		if err := json.Unmarshal(b.Data, &data); err != nil {
			t.Fatal(err)
		}
		if data["message_id"] != "true_4917612345678@s.whatsapp.net_3EB0MEDIA" || data["timestamp"] != "2025-01-02T03:04:05Z" ||
			data["type"] != string(tc.want.Kind) || data["mimetype"] != "image/jpeg" || data["size"] != 1234.0 || data["sha256"] != "ab12" {
			t.Errorf("%s: data %s", tc.name, b.Data)
		}
	}
}

// The schemas refuse what is malformed before the session is asked.
func TestMediaCommandsRefuseBadInput(t *testing.T) {
	r := newRig(t)
	for name, data := range map[string]string{
		"send.image":    `{"phone":"4917612345678"}`,
		"send.audio":    `{"phone":"4917612345678","audio":"data:audio/ogg;base64,T2dn","ptt":"yes"}`,
		"send.video":    `{"phone":"4917612345678","video":""}`,
		"send.document": `{"phone":"4917612345678","document":"data:,x","filename":7}`,
		"send.sticker":  `{"phone":"4917612345678","sticker":"data:image/webp;base64,UklGRg","caption":"no captions on stickers"}`,
	} {
		b, _ := answer(t, r, name, "bad-"+name, data)
		if b.Status != 400 || b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s %s: %d %s", name, data, b.Status, b.Code)
		}
	}
	if calls := r.sess.Calls(); len(calls) != 0 {
		t.Fatalf("calls %q", calls)
	}
}
