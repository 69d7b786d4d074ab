package commands_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

// Each user query hands its fields, as REST gives them (strings) or NATS
// callers send them, to the session method it names; no query is audited.
func TestUserCommandsCallTheSession(t *testing.T) {
	tests := []struct{ cmd, data, call string }{
		{"user.info", `{"phone":"4917612345678"}`, "UserInfo 4917612345678"},
		{"user.info", `{"jid":"4917612345678@s.whatsapp.net"}`, "UserInfo 4917612345678@s.whatsapp.net"},
		{"user.avatar", `{"phone":"4917612345678"}`, "Avatar 4917612345678 preview=false"},
		{"user.avatar", `{"phone":"4917612345678","is_preview":"true"}`, "Avatar 4917612345678 preview=true"},
		{"user.avatar", `{"phone":"4917612345678","is_preview":true}`, "Avatar 4917612345678 preview=true"},
		{"user.check", `{"phone":"4917612345678"}`, "CheckUsers 4917612345678"},
		{"user.check", `{"phones":"4917612345678, 9991234567,,4915112345678"}`, "CheckUsers 4917612345678,9991234567,4915112345678"},
		{"user.check", `{"phones":["4917612345678","9991234567"]}`, "CheckUsers 4917612345678,9991234567"},
		{"user.business_profile", `{"phone":"4917612345678"}`, "BusinessProfile 4917612345678"},
		{"user.my.contacts", `{"limit":"10","before":"abc"}`, `Contacts limit=10 before="abc"`},
		{"user.my.contacts", ``, `Contacts limit=0 before=""`},
		{"user.my.privacy", ``, "Privacy"},
	}
	for _, tc := range tests {
		t.Run(tc.cmd+" "+tc.data, func(t *testing.T) {
			r := newRig(t)
			run(t, r, tc.cmd, tc.data, nil)
			if got := r.sess.Calls(); !reflect.DeepEqual(got, []string{tc.call}) {
				t.Fatalf("calls %q, want %q", got, tc.call)
			}
			if es := r.audit.entries(t); len(es) != 0 {
				t.Errorf("query %s audited %d results", tc.cmd, len(es))
			}
		})
	}
}

// One phone answers one object, a list an array; contacts page with
// next_cursor beside the array.
func TestUserCommandsAnswerShapes(t *testing.T) {
	r := newRig(t)
	b, _ := answer(t, r, "user.check", "one", `{"phone":"9991234567"}`)
	if b.Status != 200 || string(b.Data) != `{"phone":"9991234567","is_on_whatsapp":false}` {
		t.Errorf("one phone: %d %s", b.Status, b.Data)
	}
	b, _ = answer(t, r, "user.check", "two", `{"phones":"4917612345678,9991234567"}`)
	var list []map[string]any
	if err := json.Unmarshal(b.Data, &list); err != nil || len(list) != 2 || list[0]["is_on_whatsapp"] != true || list[1]["is_on_whatsapp"] != false {
		t.Errorf("two phones: %s (%v)", b.Data, err)
	}
	b, raw := answer(t, r, "user.my.contacts", "c", ``)
	if b.Status != 200 || !strings.HasPrefix(string(b.Data), `[{"jid":"4917612345678@s.whatsapp.net"`) || string(raw["next_cursor"]) != `"next"` {
		t.Errorf("contacts: %d %s next %s", b.Status, b.Data, raw["next_cursor"])
	}
}

// What can never succeed is refused before the session is asked.
func TestUserCommandsRefuseBadInput(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct{ name, data string }{
		{"user.info", `{}`},
		{"user.info", `{"phone":"4917612345678","jid":"4917612345678@s.whatsapp.net"}`},
		{"user.info", `{"phone":""}`},
		{"user.avatar", `{"phone":"4917612345678","is_preview":"maybe"}`},
		{"user.check", `{"phone":"4917612345678","phones":"4917612345678"}`},
		{"user.check", `{"phones":[1,2]}`},
		{"user.check", `{"phones":"` + strings.Repeat("4917612345678,", 2000) + `"}`},
		{"user.my.contacts", `{"limit":"0"}`},
		{"user.my.contacts", `{"limit":"lots"}`},
		{"user.my.privacy", `{"x":1}`},
	} {
		b, _ := answer(t, r, tc.name, "bad"+tc.data, tc.data)
		if b.Status != 400 || b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s %.80s: %d %s, want 400 %s", tc.name, tc.data, b.Status, b.Code, werr.CodeInvalidPayload)
		}
	}
	if got := r.sess.Calls(); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
}
