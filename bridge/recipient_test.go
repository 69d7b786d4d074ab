package bridge_test

import (
	"regexp"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestParseRecipient(t *testing.T) {
	tests := []struct {
		in   string
		want string // empty: must be rejected
	}{
		{"4917612345678", "4917612345678@s.whatsapp.net"},
		{" 4917612345678 ", "4917612345678@s.whatsapp.net"},
		{"1234567", "1234567@s.whatsapp.net"},
		{"123456789012345", "123456789012345@s.whatsapp.net"},
		{"4917612345678@s.whatsapp.net", "4917612345678@s.whatsapp.net"},
		{"120363028461234567@g.us", "120363028461234567@g.us"},
		{"4917612345678-1500000000@g.us", "4917612345678-1500000000@g.us"},
		{"200000000000001@lid", "200000000000001@lid"},
		{"120363000000000001@newsletter", "120363000000000001@newsletter"},
		{"status@broadcast", ""},
		{"1700000000@broadcast", ""},
		{"", ""},
		{"+4917612345678", ""},
		{"04917612345678", ""},
		{"123456", ""},
		{"1234567890123456", ""},
		{"49176 12345678", ""},
		{"hello", ""},
		{"@s.whatsapp.net", ""},
		{"4917612345678@", ""},
		{"4917612345678@c.us", ""},
		{"4917612345678@example.com", ""},
		{"4917612345678:3@s.whatsapp.net", ""},
		{"4917612345678.0:3@s.whatsapp.net", ""},
		{"abc@g.us", ""},
		{"12-@g.us", ""},
		{"a@b@g.us", ""},
		{"foo@broadcast", ""},
		{"abc@lid", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := bridge.ParseRecipient(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseRecipient(%q) = %s, want INVALID_RECIPIENT", tt.in, got)
				}
				wantCode(t, err, werr.CodeInvalidRecipient)
				if werr.KindOf(err) != werr.KindInvalid {
					t.Fatalf("kind %v, want invalid", werr.KindOf(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRecipient(%q): %v", tt.in, err)
			}
			if got.String() != tt.want {
				t.Fatalf("ParseRecipient(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

var allowedServers = map[string]bool{
	types.DefaultUserServer: true, types.GroupServer: true, types.HiddenUserServer: true,
	types.NewsletterServer: true, types.BroadcastServer: true,
}

// FuzzParseRecipient: whatever is accepted is an account-level JID on an
// allowed server that whatsmeow parses back to the same value.
func FuzzParseRecipient(f *testing.F) {
	for _, s := range []string{"4917612345678", "120363028461234567@g.us", "x@lid", "1.2:3@s.whatsapp.net", "status@broadcast", "+49"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		jid, err := bridge.ParseRecipient(s)
		if err != nil {
			if werr.From(err).Code != werr.CodeInvalidRecipient {
				t.Fatalf("ParseRecipient(%q) error %v has the wrong code", s, err)
			}
			return
		}
		if !allowedServers[jid.Server] || jid.User == "" || jid.Device != 0 || jid.RawAgent != 0 {
			t.Fatalf("ParseRecipient(%q) accepted %#v", s, jid)
		}
		back, err := types.ParseJID(jid.String())
		if err != nil || back != jid {
			t.Fatalf("ParseRecipient(%q) = %s does not round-trip: %#v, %v", s, jid, back, err)
		}
	})
}

var whatsmeowID = regexp.MustCompile(`^3EB0[0-9A-F]+$`)

func TestMessageIDFromKey(t *testing.T) {
	a1 := bridge.MessageIDFromKey("/svc/orders#42")
	a2 := bridge.MessageIDFromKey("/svc/orders#42")
	b := bridge.MessageIDFromKey("/svc/orders#43")
	r1 := bridge.MessageIDFromKey("")
	r2 := bridge.MessageIDFromKey("")
	if a1 != a2 {
		t.Errorf("same key gave %s and %s", a1, a2)
	}
	if a1 == b {
		t.Errorf("different keys gave the same id %s", a1)
	}
	if r1 == r2 {
		t.Errorf("two random ids are equal: %s", r1)
	}
	wantLen := len(whatsmeow.GenerateMessageID())
	for _, id := range []string{a1, b, r1, r2} {
		if !whatsmeowID.MatchString(id) || len(id) != wantLen {
			t.Errorf("id %q is not shaped like whatsmeow's (%d chars, 3EB0 + uppercase hex)", id, wantLen)
		}
		if strings.Contains(id, "_") {
			t.Errorf("id %q contains '_', which breaks the user-form id", id)
		}
	}
}
