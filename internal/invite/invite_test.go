package invite_test

import (
	"errors"
	"testing"

	"github.com/wabridge/wabridge/internal/invite"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]string{
		"https://chat.whatsapp.com/ABC123DEF456":        "ABC123DEF456",
		"  https://chat.whatsapp.com/ABC123DEF456/  ":   "ABC123DEF456",
		"http://chat.whatsapp.com/ABC123DEF456":         "ABC123DEF456",
		"chat.whatsapp.com/ABC123DEF456":                "ABC123DEF456",
		"https://www.chat.whatsapp.com/ABC123DEF456":    "ABC123DEF456",
		"https://CHAT.WhatsApp.com/ABC123DEF456?lang=x": "ABC123DEF456",
		"https://chat.whatsapp.com/invite/ABC123DEF456": "ABC123DEF456",
		"ABC123DEF456": "ABC123DEF456",
	} {
		got, err := invite.Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{
		"", " ", "https://evil.example/ABC123", "https://chat.whatsapp.com.evil.example/ABC",
		"https://evilchat.whatsapp.com/ABC", "https://chat.whatsapp.com/", "https://chat.whatsapp.com",
		"ftp://chat.whatsapp.com/ABC", "https://user@chat.whatsapp.com/ABC", "https://chat.whatsapp.com:8443/ABC",
		"https://chat.whatsapp.com/AB/CD", "https://chat.whatsapp.com/AB%2FCD", "ABC-123", "AB\x00C",
		"https://chat.whatsapp.com/" + string(make([]byte, 0)) + "0123456789012345678901234567890123456789012345678901234567890123456789",
		"javascript:alert(1)",
	} {
		if code, err := invite.Parse(in); !errors.Is(err, invite.ErrInvalid) {
			t.Errorf("Parse(%q) = %q, %v; want ErrInvalid", in, code, err)
		}
	}
}

func TestLinkRoundTrip(t *testing.T) {
	code, err := invite.Parse(invite.Link("Kx9Zt2"))
	if err != nil || code != "Kx9Zt2" {
		t.Fatalf("Parse(Link) = %q, %v", code, err)
	}
}
