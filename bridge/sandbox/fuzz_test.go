package sandbox

import (
	"fmt"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/types"
)

// Inbound's from, chat and reply_to come from REST callers: parsing them
// must never panic, and what it accepts must be a well-formed address that
// reads back the same.

func FuzzParseUser(f *testing.F) {
	for _, s := range []string{"4917612345678", "4917612345678@s.whatsapp.net", "123456789012345@lid",
		"4917612345678:3@s.whatsapp.net", "+4917612345678", "0176", "120363025246125486@g.us", "@", "a@b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		jid, err := parseUser(s)
		if err != nil {
			return
		}
		if jid.Device != 0 || (jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer) || !isDigits(jid.User) {
			t.Fatalf("parseUser(%q) accepted %#v", s, jid)
		}
		again, err := parseUser(jid.String())
		if err != nil || again != jid {
			t.Fatalf("parseUser(%q) = %s, which reads back as %s, %v", s, jid, again, err)
		}
	})
}

func FuzzParseQuoted(f *testing.F) {
	for _, s := range []string{"3EB0C767", "false_120363025246125486@g.us_3EB0C767", "true_4917612345678@s.whatsapp.net_3EB0AB",
		"true__x", "false_x_", "true_4917612345678_ID", "a b", "false_1-2@g.us_ID"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuoted(s)
		if err != nil {
			return
		}
		if q.ID == "" || strings.ContainsAny(q.ID, " \t\r\n") {
			t.Fatalf("parseQuoted(%q) accepted id %q", s, q.ID)
		}
		if q.Chat.IsEmpty() {
			return
		}
		form := fmt.Sprintf("%t_%s_%s", q.FromMe, q.Chat, q.ID)
		again, err := parseQuoted(form)
		if err != nil || again != q {
			t.Fatalf("parseQuoted(%q) = %+v; its user form %q reads back as %+v, %v", s, q, form, again, err)
		}
	})
}
