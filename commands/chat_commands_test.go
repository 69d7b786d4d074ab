package commands_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/werr"
)

// answer runs a command and returns its whole result data, raw.
func answer(t *testing.T, r *rig, name, id, data string) (body, map[string]json.RawMessage) {
	t.Helper()
	res := execute(r.d, context.Background(), "default", name, command(t, name, id, data))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(res.Event.Data(), &raw); err != nil {
		t.Fatal(err)
	}
	return decode(t, res.Event), raw
}

func TestChatListAnswersTheArrayWithACursorBeside(t *testing.T) {
	r := newRig(t)
	at := time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)
	r.sess.chats.reader.chats = chatview.ChatPage{
		Chats:      []chatview.Chat{{JID: "4917612345678@s.whatsapp.net", Name: "John Smith", LastMessage: "Hey", LastMessageTime: &at, UnreadCount: 2}},
		NextCursor: "CURSOR2",
	}
	// REST hands query parameters over as strings; NATS callers send JSON types.
	for i, data := range []string{
		`{"archived":"false","is_group":"true","q":"team","limit":"20","before":"CURSOR1"}`,
		`{"archived":false,"is_group":true,"q":"team","limit":20,"before":"CURSOR1"}`,
	} {
		b, raw := answer(t, r, "chat.list", fmt.Sprint("l", i), data)
		if b.Status != 200 {
			t.Fatalf("%s: %d %s %s", data, b.Status, b.Code, b.Message)
		}
		var chats []map[string]any
		if err := json.Unmarshal(b.Data, &chats); err != nil {
			t.Fatalf("data is no array: %s", b.Data)
		}
		if len(chats) != 1 || chats[0]["jid"] != "4917612345678@s.whatsapp.net" || chats[0]["unread_count"] != 2.0 ||
			chats[0]["last_message_time"] != "2024-01-15T10:30:00Z" || chats[0]["name"] != "John Smith" {
			t.Errorf("chats %v", chats)
		}
		if string(raw["next_cursor"]) != `"CURSOR2"` {
			t.Errorf("next_cursor %s, want CURSOR2 beside data", raw["next_cursor"])
		}
	}
	want := `default chats limit=20 before="CURSOR1" archived=false is_group=true q="team"`
	if got := r.sess.chats.reader.asked; len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("reader asked %q, want twice %q", got, want)
	}
}

func TestChatListEmptyAndLastPage(t *testing.T) {
	r := newRig(t)
	b, raw := answer(t, r, "chat.list", "e1", ``)
	if b.Status != 200 || string(b.Data) != "[]" {
		t.Errorf("empty store: %d data %s, want []", b.Status, b.Data)
	}
	if _, ok := raw["next_cursor"]; ok {
		t.Errorf("last page has next_cursor %s", raw["next_cursor"])
	}
	if got := r.sess.chats.reader.asked; len(got) != 1 || got[0] != `default chats limit=0 before="" archived=- is_group=- q=""` {
		t.Errorf("reader asked %q", got)
	}
}

func TestChatMessages(t *testing.T) {
	r := newRig(t)
	r.sess.chats.reader.messages = chatview.MessagePage{
		Messages:   []chatview.Message{{ID: "false_4917612345678@s.whatsapp.net_3EB0C767", Message: "Hey", From: "4917612345678@s.whatsapp.net", Type: "text", Timestamp: time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)}},
		NextCursor: "NEXT",
	}
	var got struct {
		Messages []map[string]any `json:"messages"`
		Next     string           `json:"next_cursor"`
	}
	run(t, r, "chat.messages", `{"jid":"4917612345678","limit":"10","since":"2024-01-01T00:00:00Z","before":"B"}`, &got)
	if len(got.Messages) != 1 || got.Messages[0]["id"] != "false_4917612345678@s.whatsapp.net_3EB0C767" ||
		got.Messages[0]["timestamp"] != "2024-01-15T10:30:00Z" || got.Messages[0]["type"] != "text" || got.Next != "NEXT" {
		t.Errorf("data %+v", got)
	}
	// A phone number names its chat's JID.
	want := `default 4917612345678@s.whatsapp.net limit=10 before="B" since=2024-01-01T00:00:00Z`
	if asked := r.sess.chats.reader.asked; len(asked) != 1 || asked[0] != want {
		t.Errorf("reader asked %q, want %q", asked, want)
	}
}

func TestChatQueriesRefuse(t *testing.T) {
	tests := []struct {
		name, cmd, data string
		readerErr       error
		code            string
	}{
		{"bad cursor", "chat.list", `{"before":"x"}`, fmt.Errorf("decoding: %w", chatview.ErrBadCursor), werr.CodeInvalidPayload},
		{"unknown chat", "chat.messages", `{"jid":"4917612345678@s.whatsapp.net"}`, chatview.ErrChatNotFound, werr.CodeNotFound},
		{"bad cursor of messages", "chat.messages", `{"jid":"4917612345678","before":"x"}`, chatview.ErrBadCursor, werr.CodeInvalidPayload},
		{"store failure is internal", "chat.list", `{}`, errors.New("disk gone"), werr.CodeInternal},
		{"not a boolean", "chat.list", `{"archived":"yes"}`, nil, werr.CodeInvalidPayload},
		{"not a number", "chat.list", `{"limit":"ten"}`, nil, werr.CodeInvalidPayload},
		{"limit 0", "chat.messages", `{"jid":"4917612345678","limit":0}`, nil, werr.CodeInvalidPayload},
		{"bad since", "chat.messages", `{"jid":"4917612345678","since":"yesterday"}`, nil, werr.CodeInvalidPayload},
		{"bad chat", "chat.messages", `{"jid":"john"}`, nil, werr.CodeInvalidRecipient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.sess.chats.reader.err = tc.readerErr
			b, _ := answer(t, r, tc.cmd, "q1", tc.data)
			if b.Code != tc.code {
				t.Errorf("code %s (%s), want %s", b.Code, b.Message, tc.code)
			}
		})
	}
}

func TestChatStateCommands(t *testing.T) {
	tests := []struct {
		cmd, data, want string
		answer          map[string]any
	}{
		{"chat.archive", `{"chat_jid":"4917612345678@s.whatsapp.net","is_archive":true}`, "archive 4917612345678@s.whatsapp.net true",
			map[string]any{"chat_jid": "4917612345678@s.whatsapp.net", "archived": true}},
		{"chat.pin", `{"chat_jid":"120363028461234567@g.us","is_pin":false}`, "pin 120363028461234567@g.us false",
			map[string]any{"chat_jid": "120363028461234567@g.us", "pinned": false}},
		{"chat.mute", `{"chat_jid":"4917612345678@s.whatsapp.net","is_mute":true}`, "mute 4917612345678@s.whatsapp.net true 0s",
			map[string]any{"chat_jid": "4917612345678@s.whatsapp.net", "muted": true}},
		{"chat.mute", `{"chat_jid":"4917612345678@s.whatsapp.net","is_mute":true,"duration":28800}`, "mute 4917612345678@s.whatsapp.net true 8h0m0s",
			map[string]any{"chat_jid": "4917612345678@s.whatsapp.net", "muted": true}},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			r := newRig(t)
			var got map[string]any
			run(t, r, tc.cmd, tc.data, &got)
			if !reflect.DeepEqual(r.sess.chats.changes, []string{tc.want}) {
				t.Errorf("changes %q, want %q", r.sess.chats.changes, tc.want)
			}
			if !reflect.DeepEqual(got, tc.answer) {
				t.Errorf("answer %v, want %v", got, tc.answer)
			}
			// Effects are audited under the chat they changed.
			if ev := auditedLast(t, r.audit); ev.Subject() != tc.answer["chat_jid"] {
				t.Errorf("audited subject %q, want %v", ev.Subject(), tc.answer["chat_jid"])
			}
		})
	}
}

func TestChatStateCommandsNeedTheirFields(t *testing.T) {
	for _, tc := range []struct{ cmd, data string }{
		{"chat.archive", `{"chat_jid":"4917612345678"}`},
		{"chat.pin", `{"is_pin":true}`},
		{"chat.mute", `{"chat_jid":"4917612345678","is_mute":true,"duration":-5}`},
		{"message.forward", `{"message_id":"3EB0"}`},
		{"message.read", `{}`},
	} {
		r := newRig(t)
		if b, _ := answer(t, r, tc.cmd, "bad", tc.data); b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s %s: code %s, want INVALID_PAYLOAD", tc.cmd, tc.data, b.Code)
		}
		if calls := r.sess.Calls(); len(calls) != 0 {
			t.Errorf("%s reached the session: %v", tc.cmd, calls)
		}
	}
}

func TestMessageRead(t *testing.T) {
	r := newRig(t)
	var got map[string]string
	run(t, r, "message.read", `{"message_id":"false_4917612345678@s.whatsapp.net_3EB0C767","phone":"4917612345678"}`, &got)
	want := []bridge.MarkReadRequest{{MessageID: "false_4917612345678@s.whatsapp.net_3EB0C767", Phone: "4917612345678"}}
	if !reflect.DeepEqual(r.sess.chats.reads, want) {
		t.Errorf("reads %+v, want %+v", r.sess.chats.reads, want)
	}
	if got["chat"] != "4917612345678@s.whatsapp.net" || got["read_at"] != "2025-06-01T12:00:00Z" {
		t.Errorf("answer %v", got)
	}
	if ev := auditedLast(t, r.audit); ev.Subject() != "4917612345678@s.whatsapp.net" {
		t.Errorf("audited subject %q", ev.Subject())
	}
}

func TestMessageForward(t *testing.T) {
	r := newRig(t)
	var got map[string]string
	run(t, r, "message.forward", `{"message_id":"false_120363xxx@g.us_3EB0xxx","phone":"120363028461234567@g.us"}`, &got)
	want := []bridge.ForwardRequest{{MessageID: "false_120363xxx@g.us_3EB0xxx", To: "120363028461234567@g.us", Key: "default\x00/tests\x00h-message.forward"}}
	if !reflect.DeepEqual(r.sess.chats.forwards, want) {
		t.Errorf("forwards %+v, want %+v", r.sess.chats.forwards, want)
	}
	if got["message_id"] != "true_120363028461234567@g.us_3EB0FWD" || got["chat"] != "120363028461234567@g.us" ||
		got["forwarded_from"] != "false_120363xxx@g.us_3EB0xxx" {
		t.Errorf("answer %v", got)
	}
}

func TestMessageForwardUnknownMessage(t *testing.T) {
	r := newRig(t)
	r.sess.err = werr.New(werr.KindNotFound, werr.CodeMessageNotFound, "message 3EB0 not found")
	b, _ := answer(t, r, "message.forward", "f1", `{"message_id":"3EB0","phone":"4917612345678"}`)
	if b.Status != 404 || b.Code != werr.CodeMessageNotFound {
		t.Errorf("%d %s, want 404 MESSAGE_NOT_FOUND", b.Status, b.Code)
	}
}
