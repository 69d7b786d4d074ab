package commands_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

func run(t *testing.T, r *rig, name, data string, out any) body {
	t.Helper()
	res := execute(r.d, context.Background(), "default", name, command(t, name, "h-"+name, data))
	b := decode(t, res.Event)
	if b.Status != 200 {
		t.Fatalf("%s: status %d %s %s", name, b.Status, b.Code, b.Message)
	}
	if out != nil {
		if err := json.Unmarshal(b.Data, out); err != nil {
			t.Fatalf("%s: data %s: %v", name, b.Data, err)
		}
	}
	return b
}

func TestAppLogin(t *testing.T) {
	r := newRig(t)
	expires := time.Date(2025, 6, 1, 12, 0, 20, 0, time.UTC)
	r.sess.qr = bridge.LoginQR{Code: "2@abc,def,ghi", ExpiresAt: expires, Timeout: 20}
	var got struct {
		QRLink     string `json:"qr_link"`
		QRCode     string `json:"qr_code"`
		QRDuration int    `json:"qr_duration"`
		ExpiresAt  string `json:"expires_at"`
	}
	run(t, r, "app.login", "", &got)
	if got.QRCode != "2@abc,def,ghi" || got.QRDuration != 20 || got.ExpiresAt != "2025-06-01T12:00:20Z" {
		t.Errorf("login data %+v", got)
	}
	raw, ok := strings.CutPrefix(got.QRLink, "data:image/png;base64,")
	if !ok {
		t.Fatalf("qr_link %.40q is not a PNG data URL", got.QRLink)
	}
	pngBytes, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatalf("qr_link is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("QR image is %dx%d, want 256x256", b.Dx(), b.Dy())
	}
}

func TestAppLoginWithCode(t *testing.T) {
	r := newRig(t)
	var got struct {
		PairCode string `json:"pair_code"`
	}
	run(t, r, "app.login_with_code", `{"phone":"4917612345678"}`, &got)
	if got.PairCode != "ABCD-EFGH" || r.sess.phone != "4917612345678" {
		t.Errorf("pair code %q for phone %q", got.PairCode, r.sess.phone)
	}
	res := execute(r.d, context.Background(), "default", "app.login_with_code", command(t, "app.login_with_code", "bad", `{"phone":"+49 176"}`))
	if b := decode(t, res.Event); b.Code != "INVALID_PAYLOAD" {
		t.Errorf("a phone with '+' and spaces gave %d %s", b.Status, b.Code)
	}
}

func TestAppLogoutReconnect(t *testing.T) {
	r := newRig(t)
	for _, name := range []string{"app.logout", "app.reconnect"} {
		if b := run(t, r, name, `{}`, nil); len(b.Data) != 0 {
			t.Errorf("%s data %s, want none", name, b.Data)
		}
	}
	if got := r.sess.Calls(); !reflect.DeepEqual(got, []string{"Logout", "Reconnect"}) {
		t.Errorf("calls %v", got)
	}
}

func TestAppDevices(t *testing.T) {
	r := newRig(t)
	var none []bridge.Device
	b := run(t, r, "app.devices", `{}`, &none)
	if string(b.Data) != "[]" {
		t.Errorf("no devices gave %s, want []", b.Data)
	}
	r2 := newRig(t)
	want := []bridge.Device{{Session: "default", JID: "4917612345678:3@s.whatsapp.net", PushName: "Ann", LoggedIn: true, Connected: true}}
	r2.sess.devices = want
	var got []bridge.Device
	run(t, r2, "app.devices", `{}`, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("devices %+v, want %+v", got, want)
	}
}

func TestSendMessage(t *testing.T) {
	r := newRig(t)
	var got map[string]any
	run(t, r, "send.message", `{"phone":"4917612345678","message":"hi @4915112345678","reply_message_id":"false_4917612345678@s.whatsapp.net_3EB0C767",
		"mentions":["4915112345678"],"view_once":true,"is_forwarded":true}`, &got)
	want := bridge.SendTextRequest{
		To: "4917612345678", Text: "hi @4915112345678", ReplyTo: "false_4917612345678@s.whatsapp.net_3EB0C767",
		Mentions: []string{"4915112345678"}, Forwarded: true, Key: "default\x00/tests\x00h-send.message",
	}
	if len(r.sess.sent) != 1 || !reflect.DeepEqual(r.sess.sent[0], want) {
		t.Fatalf("sent %+v, want %+v", r.sess.sent, want)
	}
	if got["message_id"] != "true_4917612345678@s.whatsapp.net_3EB0B" || got["wa_id"] != "3EB0B" ||
		got["chat"] != "4917612345678@s.whatsapp.net" || got["timestamp"] != "2025-01-02T03:04:05Z" {
		t.Errorf("send data %v", got)
	}
	// The content, for the chat store, which sees the send only in its result.
	if got["type"] != "text" || got["message"] != "hi @4915112345678" ||
		got["reply_message_id"] != "false_4917612345678@s.whatsapp.net_3EB0C767" ||
		!reflect.DeepEqual(got["mentions"], []any{"4915112345678"}) {
		t.Errorf("send content %v", got)
	}
}
