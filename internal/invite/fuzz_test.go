package invite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/invite"
)

// FuzzParse: any input gives a code of letters and digits whose canonical
// link parses back to it, or ErrInvalid; never a panic, never a code with
// a host or path separator in it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"https://chat.whatsapp.com/ABC123DEF456", "ABC", "https://evil.example/x",
		"chat.whatsapp.com/invite/X", "http://[::1]:80/x", "%zz", "https://chat.whatsapp.com/a%2Fb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := invite.Parse(s)
		if err != nil {
			if !errors.Is(err, invite.ErrInvalid) {
				t.Fatalf("Parse(%q): %v is not ErrInvalid", s, err)
			}
			return
		}
		if code == "" || len(code) > invite.MaxCodeLen || strings.ContainsAny(code, "/:.?#@%") {
			t.Fatalf("Parse(%q) = %q", s, code)
		}
		again, err := invite.Parse(invite.Link(code))
		if err != nil || again != code {
			t.Fatalf("Parse(Link(%q)) = %q, %v", code, again, err)
		}
	})
}
