package vcard

import (
	"strings"
	"unicode/utf8"
)

// crlf ends every content line (RFC 6350 §3.2).
const crlf = "\r\n"

// foldAt is the longest line in octets before it is folded (§3.2: "SHOULD
// NOT be longer than 75 octets, excluding the line break").
const foldAt = 75

// Build is c's vCard 3.0 text. The TEL line is the form WhatsApp's own
// clients write, `TEL;type=CELL;type=VOICE;waid=<digits>:+<digits>`:
// the waid parameter is what makes WhatsApp offer "Message" instead of
// "Invite".
func Build(c Card) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	line := func(s string) { fold(&b, s) }
	line("BEGIN:VCARD")
	line("VERSION:3.0")
	// N is structured (family;given;additional;prefixes;suffixes); one
	// name of unknown structure goes in as the given name, as WhatsApp does.
	line("N:;" + escape(c.Name) + ";;;")
	line("FN:" + escape(c.Name))
	if c.Org != "" {
		line("ORG:" + escape(c.Org))
	}
	line("TEL;type=CELL;type=VOICE;waid=" + c.Phone + ":+" + c.Phone)
	if c.Email != "" {
		line("EMAIL;type=INTERNET:" + escape(c.Email))
	}
	line("END:VCARD")
	return b.String(), nil
}

// escape escapes a text value (§3.4): backslash, comma, semicolon and line
// breaks, so a value never ends its property or splits a structured one.
func escape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `;`, `\;`, "\n", `\n`).Replace(v)
}

// fold writes s as one content line, folded into lines of at most foldAt
// octets, each continuation starting with a space; it never splits a UTF-8
// character (§3.2 says folding is by octets, but a reader that decodes a
// line at a time would see a broken one).
func fold(b *strings.Builder, s string) {
	limit := foldAt
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString(crlf + " ")
		s = s[cut:]
		limit = foldAt - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString(crlf)
}
