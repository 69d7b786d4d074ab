package commands_test

import (
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

func TestMessageActions(t *testing.T) {
	const target = "false_4917612345678@s.whatsapp.net_3EB0C767"
	for _, tc := range []struct {
		cmd, data, call string
		answer          map[string]any
	}{
		{"message.reaction", `{"message_id":"` + target + `","emoji":"👍"}`, `React ` + target + `  "👍"`,
			map[string]any{"emoji": "👍", "removed": false}},
		{"message.reaction", `{"message_id":"` + target + `","phone":"4917612345678","emoji":""}`, `React ` + target + ` 4917612345678 ""`,
			map[string]any{"emoji": "", "removed": true}},
		{"message.update", `{"message_id":"` + target + `","phone":"4917612345678","message":"fixed"}`, `EditMessage ` + target + ` 4917612345678 "fixed"`,
			map[string]any{"message": "fixed"}},
		{"message.revoke", `{"message_id":"` + target + `","phone":"4917612345678"}`, `RevokeMessage ` + target + ` 4917612345678 ""`, nil},
		{"message.delete", `{"message_id":"` + target + `"}`, `DeleteForMe ` + target + `  ""`, nil},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			r := newRig(t)
			var got map[string]any
			run(t, r, tc.cmd, tc.data, &got)
			calls := r.sess.Calls()
			want := tc.call + " default\x00/tests\x00h-" + tc.cmd
			if len(calls) != 1 || calls[0] != want {
				t.Errorf("calls %q, want %q", calls, want)
			}
			if got["message_id"] != target || got["chat"] != "4917612345678@s.whatsapp.net" || got["timestamp"] != "2025-06-01T12:00:00Z" {
				t.Errorf("answer %v", got)
			}
			for k, v := range tc.answer {
				if got[k] != v {
					t.Errorf("answer %s = %v, want %v", k, got[k], v)
				}
			}
			if ev := auditedLast(t, r.audit); ev.Subject() != "4917612345678@s.whatsapp.net" {
				t.Errorf("audited subject %q, want the target's chat", ev.Subject())
			}
		})
	}
}

func TestMessageActionsNeedTheirFields(t *testing.T) {
	for _, tc := range []struct{ cmd, data string }{
		{"message.reaction", `{"message_id":"3EB0"}`},
		{"message.update", `{"message_id":"3EB0"}`},
		{"message.update", `{"message_id":"3EB0","message":""}`},
		{"message.revoke", `{}`},
		{"message.delete", `{"phone":"4917612345678"}`},
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
