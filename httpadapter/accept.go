package httpadapter

import (
	"strconv"
	"strings"
)

// prefersHTML reports whether an Accept header ranks text/html above
// application/json. A tie (e.g. "*/*", as curl sends) keeps JSON, so only
// browsers, which name text/html explicitly, get HTML.
func prefersHTML(accept string) bool {
	return quality(accept, "text", "html") > quality(accept, "application", "json")
}

// quality returns the q-value the most specific matching media range of an
// Accept header gives to type/subtype (RFC 9110 §12.5.1), 0 if none matches.
func quality(accept, typ, sub string) float64 {
	best, bestSpecificity := 0.0, -1
	for _, r := range strings.Split(accept, ",") {
		mediaRange, params, _ := strings.Cut(r, ";")
		t, s, ok := strings.Cut(strings.ToLower(strings.TrimSpace(mediaRange)), "/")
		if !ok {
			continue
		}
		specificity := -1
		switch {
		case t == typ && s == sub:
			specificity = 2
		case t == typ && s == "*":
			specificity = 1
		case t == "*" && s == "*":
			specificity = 0
		}
		if specificity <= bestSpecificity {
			continue
		}
		best, bestSpecificity = qParam(params), specificity
	}
	return best
}

// qParam reads q= from a media range's parameters; absent or malformed
// means 1, out-of-range values are clamped.
func qParam(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q != q || q > 1 { // q != q: NaN
			return 1
		}
		return max(q, 0)
	}
	return 1
}
