package vcard_test

import (
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/vcard"
)

func TestBuildReferenceExample(t *testing.T) {
	got, err := vcard.Build(vcard.Card{Name: "John Doe", Phone: "4917698765432", Email: "john@example.com", Org: "Acme Corp"})
	if err != nil {
		t.Fatal(err)
	}
	want := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;John Doe;;;\r\nFN:John Doe\r\nORG:Acme Corp\r\n" +
		"TEL;type=CELL;type=VOICE;waid=4917698765432:+4917698765432\r\n" +
		"EMAIL;type=INTERNET:john@example.com\r\nEND:VCARD\r\n"
	if got != want {
		t.Errorf("Build =\n%q\nwant\n%q", got, want)
	}
}

func TestBuildEscapesPerRFC6350(t *testing.T) {
	got, err := vcard.Build(vcard.Card{Name: `Doe, John; "J" \ Jr.` + "\nline two", Phone: "4917698765432", Org: "A;B,C"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"FN:Doe\\, John\\; \"J\" \\\\ Jr.\\nline two\r\n",
		"N:;Doe\\, John\\; \"J\" \\\\ Jr.\\nline two;;;\r\n",
		"ORG:A\\;B\\,C\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Build =\n%q\nlacks %q", got, want)
		}
	}
}

func TestBuildFoldsLongLinesWithoutSplittingCharacters(t *testing.T) {
	name := strings.Repeat("ä", 100) // 200 octets
	got, err := vcard.Build(vcard.Card{Name: name, Phone: "4917698765432"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.ContainsRune(l, '\uFFFD') || !strings.HasPrefix(l, " ") && strings.HasPrefix(l, "\xa4") {
			t.Errorf("line splits a character: %q", l)
		}
	}
	c, err := vcard.Parse(got)
	if err != nil || c.Name != name {
		t.Errorf("Parse = %q, %v; want the name back", c.Name, err)
	}
}

func TestBuildRefusesInvalidCards(t *testing.T) {
	for name, c := range map[string]vcard.Card{
		"no name":         {Phone: "4917698765432"},
		"phone with plus": {Name: "J", Phone: "+4917698765432"},
		"phone too short": {Name: "J", Phone: "1234"},
		"control in name": {Name: "J\x00", Phone: "4917698765432"},
		"carriage return": {Name: "J", Phone: "4917698765432", Org: "a\rb"},
		"invalid UTF-8":   {Name: "J\xff", Phone: "4917698765432"},
		"email too long":  {Name: "J", Phone: "4917698765432", Email: strings.Repeat("e", 1025)},
	} {
		if _, err := vcard.Build(c); err == nil {
			t.Errorf("%s: Build accepted %+v", name, c)
		}
	}
}

func TestParseWhatsAppCard(t *testing.T) {
	// As a WhatsApp phone writes it: LF line ends, an item group prefix,
	// the number formatted for display.
	text := "BEGIN:VCARD\nVERSION:3.0\nN:Doe;John;;;\nitem1.TEL;waid=4917698765432:+49 176 98765432\n" +
		"item1.X-ABLabel:Mobile\nEND:VCARD"
	c, err := vcard.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	want := vcard.Card{Name: "John Doe", Phone: "4917698765432"}
	if c != want {
		t.Errorf("Parse = %+v, want %+v", c, want)
	}
	c, err = vcard.Parse("BEGIN:VCARD\r\nFN:X\r\nTEL:+49 (176) 1234-5\r\nEND:VCARD\r\n")
	if err != nil || c.Phone != "4917612345" {
		t.Errorf("Parse TEL without waid = %+v, %v", c, err)
	}
}

func TestParseRefusesTextWithoutCard(t *testing.T) {
	for _, text := range []string{"", "FN:John", "BEGIN:VCARD\nFN:John\n"} {
		if _, err := vcard.Parse(text); err == nil {
			t.Errorf("Parse(%q) accepted", text)
		}
	}
}
