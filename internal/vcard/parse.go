package vcard

import (
	"errors"
	"strings"
)

// Parse reads the first vCard of text (3.0 or 4.0; CRLF or LF line ends,
// folded or not) into a Card: FN (else N's given and family names), the
// first TEL (its waid parameter, else the value's digits), the first EMAIL
// and ORG. It fails on text without BEGIN:VCARD … END:VCARD.
func Parse(text string) (Card, error) {
	lines := unfold(text)
	var c Card
	var n string
	in, done := false, false
	for _, l := range lines {
		name, params, value, ok := split(l)
		if !ok {
			continue
		}
		switch {
		case name == "BEGIN" && strings.EqualFold(value, "VCARD"):
			in = true
		case !in:
		case name == "END" && strings.EqualFold(value, "VCARD"):
			done = true
		case name == "FN" && c.Name == "":
			c.Name = unescape(value)
		case name == "N" && n == "":
			n = nameFromN(value)
		case name == "ORG" && c.Org == "":
			c.Org = unescape(value)
		case name == "EMAIL" && c.Email == "":
			c.Email = unescape(value)
		case name == "TEL" && c.Phone == "":
			c.Phone = phoneOf(params, value)
		}
		if done {
			break
		}
	}
	if !in || !done {
		return Card{}, errors.New("vcard: no BEGIN:VCARD … END:VCARD")
	}
	if c.Name == "" {
		c.Name = n
	}
	return c, nil
}

// unfold joins folded lines (a line break followed by a space or tab).
func unfold(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if len(out) > 0 && l != "" && (l[0] == ' ' || l[0] == '\t') {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// split cuts a content line into its upper-case name (without a group
// prefix), its parameters and its value. The value starts at the first
// colon outside a quoted parameter value.
func split(line string) (name string, params []string, value string, ok bool) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if quoted {
				continue
			}
			head := strings.Split(line[:i], ";")
			name = strings.ToUpper(head[0])
			if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
				name = name[dot+1:]
			}
			return name, head[1:], line[i+1:], true
		}
	}
	return "", nil, "", false
}

// unescape undoes escape; an unknown escape keeps the escaped character,
// as §3.4 leaves it to readers.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// nameFromN is "given family" from N's structured value.
func nameFromN(v string) string {
	parts := splitUnescaped(v, ';')
	var names []string
	for _, i := range []int{1, 0} {
		if i < len(parts) && parts[i] != "" {
			names = append(names, unescape(parts[i]))
		}
	}
	return strings.Join(names, " ")
}

// splitUnescaped splits v at sep characters not escaped by a backslash.
func splitUnescaped(v string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

// phoneOf is the waid parameter's digits, else the digits of the value.
func phoneOf(params []string, value string) string {
	for _, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(k, "waid") {
			return strings.Trim(v, `"`)
		}
	}
	var b strings.Builder
	for _, r := range value {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
