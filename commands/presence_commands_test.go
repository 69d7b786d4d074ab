package commands_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

// The reference's two presence bodies reach the session as written and
// answer 200; send.chat_presence's result is about its chat.
func TestPresenceCommands(t *testing.T) {
	r := newRig(t)
	b, _ := answer(t, r, "send.presence", "p1", `{"presence":"available"}`)
	if b.Status != 200 || string(b.Data) != `{"presence":"available","timestamp":"2025-03-04T05:06:07Z"}` {
		t.Errorf("send.presence: %d %s %s", b.Status, b.Code, b.Data)
	}
	res := execute(r.d, context.Background(), "default", "send.chat_presence",
		command(t, "send.chat_presence", "c1", `{"phone":"4917612345678","presence":"composing","media":"text"}`))
	if b := decode(t, res.Event); b.Status != 200 {
		t.Fatalf("send.chat_presence: %d %s %s", b.Status, b.Code, b.Message)
	}
	if got := res.Event.Subject(); got != "4917612345678@s.whatsapp.net" {
		t.Errorf("result subject %q, want the chat", got)
	}
	want := []string{"presence available", `chat 4917612345678 composing "text"`}
	if got := r.sess.presenceCalls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
}

// What the schema rules out never reaches WhatsApp.
func TestPresenceCommandsRefuseBadInput(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct{ name, data string }{
		{"send.presence", `{"presence":"online"}`},
		{"send.presence", `{}`},
		{"send.chat_presence", `{"phone":"4917612345678","presence":"recording"}`},
		{"send.chat_presence", `{"phone":"4917612345678","presence":"composing","media":"video"}`},
		{"send.chat_presence", `{"presence":"paused"}`},
	} {
		b, _ := answer(t, r, tc.name, "bad"+tc.data, tc.data)
		if b.Status != 400 || b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s %s: %d %s, want 400 %s", tc.name, tc.data, b.Status, b.Code, werr.CodeInvalidPayload)
		}
	}
	if got := r.sess.presenceCalls(); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
}
