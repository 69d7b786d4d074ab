package httpadapter

import (
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// The REST API's default is loopback without credentials (CONTRACT §9), so
// any web page the operator's browser opens can reach it. The guard closes
// the three ways such a page gets in:
//
//   - DNS rebinding: the page's own name resolves to 127.0.0.1, so to the
//     browser the API is same-origin and it may even read the answers. Only
//     the Host header tells: it names the attacker's domain. Requests must
//     name a loopback host or a configured one.
//   - Cross-site requests (forms, no-cors fetch, <img>): browsers mark them
//     with Origin (always on POST and other unsafe methods) and
//     Sec-Fetch-Site. A foreign Origin, the opaque "null" origin, or a
//     cross-site/same-site fetch mark is refused. same-site is refused too:
//     another web app on 127.0.0.1:8080 is same-site with 127.0.0.1:3000.
//   - Browsers that omit those marks: a request that changes anything must
//     carry Content-Type: application/json, which no page can send across
//     sites without a CORS preflight (and this API answers none). The one
//     exception is a request without any body and without Content-Type, as
//     the API reference shows `curl -X POST /app/logout`: a cross-site form
//     always sends a Content-Type, even with no fields, and a bodyless
//     no-cors fetch always sends Origin, which the check above refuses.
//
// Non-browser callers (curl, n8n, services) send none of these marks and are
// unaffected; they do send the JSON Content-Type with their bodies.
type guard struct {
	hosts hostPolicy
	// bodyTypes lists, per "METHOD /gin/path", the media types a route
	// accepts besides JSON (e.g. multipart/form-data for uploads).
	bodyTypes map[string][]string
}

func newGuard(cfg Config) *guard {
	g := &guard{hosts: newHostPolicy(cfg.ListenAddr, cfg.AllowedHosts), bodyTypes: map[string][]string{}}
	for _, r := range cfg.Routes {
		types := r.BodyTypes
		if takesUploads(cfg, r) {
			// A browser form can post multipart across sites: these
			// routes rely on the Origin and Sec-Fetch-Site checks alone,
			// which every current browser sends on such a POST.
			types = append(slices.Clone(types), multipartType)
		}
		if len(types) > 0 {
			g.bodyTypes[r.Method+" "+r.Path] = types
		}
	}
	return g
}

func (g *guard) middleware(c *gin.Context) {
	if err := g.check(c); err != nil {
		writeErr(c, err)
		return
	}
	c.Next()
}

func (g *guard) check(c *gin.Context) error {
	r := c.Request
	if !g.hosts.allowed(r.Host) {
		return werr.New(werr.KindForbidden, werr.CodeForbidden,
			"host %q is not a name of this server (loopback names are; add others to the allowed hosts)", truncate(r.Host))
	}
	if err := g.sameOrigin(r); err != nil {
		return err
	}
	if safeMethod(r.Method) {
		return nil
	}
	return checkBodyType(r, g.bodyTypes[r.Method+" "+c.FullPath()])
}

// sameOrigin refuses requests a browser marks as coming from another site.
func (g *guard) sameOrigin(r *http.Request) error {
	if origin := r.Header.Get("Origin"); origin != "" && !g.originAllowed(origin, r.Host) {
		return werr.New(werr.KindForbidden, werr.CodeForbidden,
			"cross-origin requests are refused (Origin %q is not this server)", truncate(origin))
	}
	switch strings.ToLower(r.Header.Get("Sec-Fetch-Site")) {
	case "cross-site", "same-site":
		return werr.New(werr.KindForbidden, werr.CodeForbidden,
			"requests from other sites are refused; open this address directly")
	}
	return nil
}

// originAllowed reports whether origin (scheme://host[:port]) is the
// request's own host, or one of the configured names: behind a reverse proxy
// that rewrites Host, the page's origin is the proxy's public name.
func (g *guard) originAllowed(origin, host string) bool {
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok || (scheme != "http" && scheme != "https") || rest == "" || strings.ContainsAny(rest, "/?#@") {
		return false // includes "null", the origin of sandboxed frames and data: pages
	}
	if hostPort(rest) == hostPort(host) {
		return true
	}
	return g.hosts.configured(hostname(rest))
}

// checkBodyType requires a JSON body type (or one the route accepts) on a
// request that changes anything; see the guard's comment for why a request
// without body and type passes.
func checkBodyType(r *http.Request, extra []string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		if r.ContentLength == 0 {
			return nil
		}
		return unsupportedType("a request body needs Content-Type: application/json")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return unsupportedType("Content-Type is malformed; send application/json")
	}
	if isJSONType(mt) {
		return nil
	}
	for _, t := range extra {
		if mt == t {
			return nil
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		return unsupportedType("this route takes no file uploads (only the media routes do); send application/json")
	}
	return unsupportedType("requests that change anything need Content-Type: application/json")
}

func isJSONType(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

func unsupportedType(msg string) error {
	return &statusError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType, Message: msg}
}

// safeMethod reports the methods that change nothing (RFC 9110 §9.2.1).
func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// securityHeaders keeps browsers from sniffing answers into another type
// and from framing any page of the API (clickjacking the QR login).
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	c.Next()
}

// hostPort lowercases host[:port] and drops the default ports, so
// "Example.com:443" and "example.com" compare equal.
func hostPort(h string) string {
	h = strings.ToLower(h)
	for _, p := range []string{":80", ":443"} {
		if strings.HasSuffix(h, p) {
			return strings.TrimSuffix(h, p)
		}
	}
	return h
}

// hostname returns the name or address of host[:port] without port,
// brackets or a trailing dot, lowercased.
func hostname(h string) string {
	if name, _, err := net.SplitHostPort(h); err == nil {
		h = name
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
