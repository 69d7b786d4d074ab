package opengraph_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wabridge/wabridge/internal/opengraph"
)

func TestParse(t *testing.T) {
	base, _ := url.Parse("https://example.com/blog/post?id=1")
	for name, tc := range map[string]struct {
		page string
		want opengraph.Meta
	}{
		"open graph": {
			page: `<html><head><title>Plain</title>
<meta property="og:title" content="OG &amp; title">
<meta property="og:description" content="  Two
  lines ">
<meta property="og:image" content="/img/a.jpg">
<meta name="description" content="plain description"></head><body></body></html>`,
			want: opengraph.Meta{Title: "OG & title", Description: "Two lines", Image: "https://example.com/img/a.jpg"},
		},
		"fallbacks": {
			page: `<head><title> The  page </title><meta name="description" content="Desc"><meta name="twitter:image" content="//cdn.example.com/x.png"></head>`,
			want: opengraph.Meta{Title: "The page", Description: "Desc", Image: "https://cdn.example.com/x.png"},
		},
		"twitter before plain": {
			page: `<title>T</title><meta name="twitter:title" content="TW"><meta name="description" content="D"><meta name="twitter:description" content="TWD">`,
			want: opengraph.Meta{Title: "TW", Description: "TWD"},
		},
		"og with name attribute and upper case": {
			page: `<META NAME="OG:TITLE" CONTENT="Mixed"><meta property="og:image:secure_url" content="https://s.example.com/i.jpg">`,
			want: opengraph.Meta{Title: "Mixed", Image: "https://s.example.com/i.jpg"},
		},
		"first of repeated tags wins": {
			page: `<meta property="og:image" content="https://a.example/1.jpg"><meta property="og:image" content="https://a.example/2.jpg">`,
			want: opengraph.Meta{Image: "https://a.example/1.jpg"},
		},
		"non-http image dropped": {
			page: `<meta property="og:image" content="javascript:alert(1)"><meta property="og:title" content="">`,
			want: opengraph.Meta{},
		},
		"svg title is not the page's": {
			page: `<body><svg><title>icon</title></svg><p>x</p>`,
			want: opengraph.Meta{},
		},
		"no html": {page: "just text", want: opengraph.Meta{}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := opengraph.Parse([]byte(tc.page), base); got != tc.want {
				t.Fatalf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseBounds(t *testing.T) {
	long := strings.Repeat("ä", 5000)
	m := opengraph.Parse([]byte(`<meta property="og:title" content="`+long+`"><meta property="og:description" content="`+long+`">`), nil)
	if n := utf8.RuneCountInString(m.Title); n != opengraph.MaxTitle {
		t.Fatalf("title runes = %d", n)
	}
	if n := utf8.RuneCountInString(m.Description); n != opengraph.MaxDescription {
		t.Fatalf("description runes = %d", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<meta property="og:title" content="x"><meta property="og:image" content="/a.png">`,
		`<title>a</title><svg><title>b`,
		`<meta name=description content=unquoted>`,
		"<title>\xff\xfe</title>",
		`<meta property="og:image" content="http://[::1]:80/%zz">`,
		`<svg><svg></svg>`,
	} {
		f.Add([]byte(s))
	}
	base, _ := url.Parse("https://example.com/")
	f.Fuzz(func(t *testing.T, page []byte) {
		m := opengraph.Parse(page, base)
		for _, s := range []string{m.Title, m.Description, m.Image} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", m)
			}
		}
		if utf8.RuneCountInString(m.Title) > opengraph.MaxTitle || utf8.RuneCountInString(m.Description) > opengraph.MaxDescription {
			t.Fatalf("unbounded %+v", m)
		}
		if m.Image != "" {
			u, err := url.Parse(m.Image)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("image %q", m.Image)
			}
		}
	})
}
