package vcard_test

import (
	"testing"

	"github.com/wabridge/wabridge/internal/vcard"
)

// FuzzRoundTrip: every card Build accepts, Parse gives back unchanged.
func FuzzRoundTrip(f *testing.F) {
	f.Add("John Doe", "4917698765432", "john@example.com", "Acme Corp")
	f.Add(`a\,;:"b`, "12345", "", "x;y")
	f.Fuzz(func(t *testing.T, name, phone, email, org string) {
		c := vcard.Card{Name: name, Phone: phone, Email: email, Org: org}
		text, err := vcard.Build(c)
		if err != nil {
			return
		}
		got, err := vcard.Parse(text)
		if err != nil {
			t.Fatalf("Parse(Build(%+v)): %v\n%q", c, err, text)
		}
		if got != c {
			t.Fatalf("round trip of %+v gave %+v\n%q", c, got, text)
		}
	})
}

// FuzzParse: any text parses or fails without panicking, and a card read
// from it that Build accepts is read back the same (the reader is stable).
func FuzzParse(f *testing.F) {
	f.Add("BEGIN:VCARD\nVERSION:3.0\nN:Doe;John;;;\nitem1.TEL;waid=4917698765432:+49 176 98765432\nEND:VCARD")
	f.Add("BEGIN:VCARD\r\nFN:a\\\r\n b\r\nTEL;x=\"a:b\":1\r\nEND:VCARD\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := vcard.Parse(text)
		if err != nil {
			return
		}
		out, err := vcard.Build(c)
		if err != nil {
			return
		}
		again, err := vcard.Parse(out)
		if err != nil || again != c {
			t.Fatalf("%+v built as %q read back as %+v, %v", c, out, again, err)
		}
	})
}
