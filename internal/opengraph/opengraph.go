// Package opengraph reads a link preview out of an HTML page: its Open Graph
// tags (og:title, og:description, og:image), Twitter card tags, and the
// plain <title> and <meta name="description"> as fallbacks. It reads
// untrusted pages: any input gives a result, bounded in size, never a panic.
//
// It imports only golang.org/x/net/html.
package opengraph

import (
	"bytes"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Bounds of what a preview keeps, in runes: WhatsApp shows a line of title
// and two of description.
const (
	MaxTitle       = 300
	MaxDescription = 1000
	maxURL         = 2048
)

// Meta is a page's preview.
type Meta struct {
	Title       string
	Description string
	// Image is the preview image's absolute http(s) URL, "" when none.
	Image string
}

// candidates are the values found, by priority (lower index wins).
type candidates struct {
	title, description, image [3]string
}

func (c *candidates) set(field *[3]string, rank int, v string) {
	if field[rank] == "" {
		field[rank] = v
	}
}

func first(vals [3]string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// Parse reads page (HTML, taken as UTF-8) whose address is base (to resolve
// a relative image URL; nil leaves only absolute ones).
func Parse(page []byte, base *url.URL) Meta {
	var c candidates
	z := html.NewTokenizer(bytes.NewReader(page))
	inTitle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return c.meta(base)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Meta:
				if hasAttr {
					c.meta1(attrs(z))
				}
			case atom.Title:
				inTitle = tt == html.StartTagToken
			case atom.Svg:
				// An <svg><title> is a picture's caption, not the page's.
				skip(z, "svg")
			}
		case html.EndTagToken:
			inTitle = false
		case html.TextToken:
			if inTitle {
				c.set(&c.title, 2, string(z.Text()))
				inTitle = false
			}
		}
	}
}

// skip reads past the end of the element called name.
func skip(z *html.Tokenizer, name string) {
	depth := 1
	for depth > 0 {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == name {
				depth++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); string(n) == name {
				depth--
			}
		}
	}
}

func attrs(z *html.Tokenizer) map[string]string {
	out := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		key := strings.ToLower(string(k))
		if _, seen := out[key]; !seen {
			out[key] = string(v)
		}
		if !more {
			return out
		}
	}
}

// meta1 takes one <meta>: Open Graph uses property=, Twitter and plain
// description use name= (many pages mix them up, so both are read).
func (c *candidates) meta1(a map[string]string) {
	key := strings.ToLower(strings.TrimSpace(a["property"]))
	if key == "" {
		key = strings.ToLower(strings.TrimSpace(a["name"]))
	}
	v, ok := a["content"]
	if !ok || strings.TrimSpace(v) == "" {
		return
	}
	switch key {
	case "og:title":
		c.set(&c.title, 0, v)
	case "twitter:title":
		c.set(&c.title, 1, v)
	case "og:description":
		c.set(&c.description, 0, v)
	case "twitter:description":
		c.set(&c.description, 1, v)
	case "description":
		c.set(&c.description, 2, v)
	case "og:image", "og:image:url":
		c.set(&c.image, 0, v)
	case "og:image:secure_url":
		c.set(&c.image, 1, v)
	case "twitter:image", "twitter:image:src":
		c.set(&c.image, 2, v)
	}
}

func (c *candidates) meta(base *url.URL) Meta {
	return Meta{
		Title:       clean(first(c.title), MaxTitle),
		Description: clean(first(c.description), MaxDescription),
		Image:       absolute(first(c.image), base),
	}
}

// clean folds whitespace runs to one space and cuts to max runes.
func clean(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// absolute resolves ref against base and keeps it only if it is http(s)
// and of sane length.
func absolute(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxURL {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	s := u.String()
	// A host like "::" survives ResolveReference but not a second parse:
	// keep only what a fetcher can parse again.
	if again, err := url.Parse(s); err != nil || again.Hostname() == "" || len(s) > maxURL {
		return ""
	}
	return s
}
