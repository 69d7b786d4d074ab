package httpadapter_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
)

const wantDashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

func dashboardServer(t *testing.T, auth httpadapter.Auth) *httptest.Server {
	t.Helper()
	return newServer(t, noBus{}, func(c *httpadapter.Config) { c.Auth = auth })
}

// get does a GET of a raw request target (sent as is, not cleaned) and
// returns the answer with its body.
func getDash(t *testing.T, srv *httptest.Server, target string, header map[string]string) (*http.Response, string) {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Opaque = target // keeps "..", "//" and escapes out of the client's hands
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(raw)
}

func TestDashboardFiles(t *testing.T) {
	srv := dashboardServer(t, httpadapter.Auth{})
	for _, tt := range []struct {
		path, ctype string
		wantIn      []string
	}{
		{"/dashboard", "text/html; charset=utf-8", []string{`<script src="dashboard/dashboard.js" defer></script>`,
			`<link rel="stylesheet" href="dashboard/dashboard.css">`, `id="events-body"`}},
		{"/dashboard/dashboard.js", "text/javascript; charset=utf-8", []string{"Last-Event-ID", "events/stream"}},
		{"/dashboard/dashboard.css", "text/css; charset=utf-8", []string{"#login-qr"}},
	} {
		resp, body := getDash(t, srv, tt.path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", tt.path, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := resp.Header.Get("Content-Security-Policy"); got != wantDashboardCSP {
			t.Errorf("GET %s: CSP %q", tt.path, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tt.path, got)
		}
		for _, want := range tt.wantIn {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", tt.path, want)
			}
		}
		etag := resp.Header.Get("ETag")
		again, _ := getDash(t, srv, tt.path, map[string]string{"If-None-Match": etag})
		if etag == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %q: %d, want 304", tt.path, etag, again.StatusCode)
		}
	}
}

// TestDashboardStaysInline: the CSP forbids inline code, so the page must
// not need any; the script must put data in as text only and fetch nothing
// from elsewhere.
func TestDashboardStaysInline(t *testing.T) {
	srv := dashboardServer(t, httpadapter.Auth{})
	_, page := getDash(t, srv, "/dashboard", nil)
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script with a body
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),            // onclick= and the like
		regexp.MustCompile(`(?i)<style|\sstyle\s*=`),
		regexp.MustCompile(`(?i)(?:src|href)\s*=\s*"(?:https?:)?//`),
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("page has %q, which its CSP blocks or which loads from elsewhere", m)
		}
	}
	for _, tag := range regexp.MustCompile(`<script\b[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="`) {
			t.Errorf("inline script %q", tag)
		}
	}
	_, script := getDash(t, srv, "/dashboard/dashboard.js", nil)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "http://", "https://"} {
		if strings.Contains(script, bad) {
			t.Errorf("script uses %q", bad)
		}
	}
}

// TestDashboardServesOnlyItsFiles: nothing but the embedded files answers
// under /dashboard/, whatever the path says.
func TestDashboardServesOnlyItsFiles(t *testing.T) {
	srv := dashboardServer(t, httpadapter.Auth{})
	for _, target := range []string{
		"/dashboard/../readyz",
		"/dashboard/..%2freadyz",
		"/dashboard/%2e%2e/%2e%2e/etc/passwd",
		"/dashboard/../../../../etc/passwd",
		"/dashboard//etc/passwd",
		"/dashboard/dashboard.go",
		"/dashboard/dashboard/dashboard.js",
		"/dashboard/x/../dashboard.js",
		"/dashboard/./dashboard.js",
		"/dashboard/dashboard.js/",
		"/dashboard/dashboard.js%00.css",
		"/dashboard/index.html", // the page is /dashboard, where credentials are checked
		"/dashboard/DASHBOARD.JS",
		"/dashboard/.",
	} {
		resp, body := getDash(t, srv, target, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404: %.200s", target, resp.StatusCode, body)
		}
		if strings.Contains(body, "package httpadapter") || strings.Contains(body, "root:") {
			t.Errorf("GET %s served a file it must not: %.200s", target, body)
		}
	}
	resp, _ := getDash(t, srv, "/dashboard/", nil)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "../dashboard" {
		t.Errorf("GET /dashboard/: %d Location %q, want 301 ../dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestDashboardAuth(t *testing.T) {
	auth := httpadapter.Auth{BearerTokens: []string{"tok-dash"}, BasicUsers: map[string]string{"ann": "pw-dash"}}
	srv := dashboardServer(t, auth)
	tests := []struct {
		name       string
		path       string
		header     map[string]string
		wantStatus int
		wantPage   bool // the HTML page, whatever the status
	}{
		{"no credentials, API client", "/dashboard", map[string]string{"Accept": "application/json"}, 401, false},
		{"no credentials, no Accept", "/dashboard", nil, 401, false},
		{"no credentials, browser", "/dashboard", map[string]string{"Accept": browserAccept}, 401, true},
		{"wrong token, browser", "/dashboard", map[string]string{"Accept": browserAccept, "Authorization": "Bearer nope"}, 401, true},
		{"token", "/dashboard", map[string]string{"Authorization": "Bearer tok-dash"}, 200, true},
		{"basic", "/dashboard", map[string]string{"Authorization": basicAuthHeader("ann", "pw-dash")}, 200, true},
		{"wrong password", "/dashboard", map[string]string{"Authorization": basicAuthHeader("ann", "pw")}, 401, false},
		// A browser cannot send a bearer token when it loads a script.
		{"script without credentials", "/dashboard/dashboard.js", nil, 200, false},
		{"style sheet without credentials", "/dashboard/dashboard.css", nil, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := getDash(t, srv, tt.path, tt.header)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.200s", resp.StatusCode, tt.wantStatus, body)
			}
			isPage := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && strings.Contains(body, "dashboard.js")
			if isPage != tt.wantPage {
				t.Fatalf("page served: %v, want %v (Content-Type %q)", isPage, tt.wantPage, resp.Header.Get("Content-Type"))
			}
			if resp.StatusCode != http.StatusUnauthorized {
				return
			}
			ch := strings.Join(resp.Header.Values("WWW-Authenticate"), ", ")
			if !strings.Contains(ch, "Bearer") || !strings.Contains(ch, "Basic") {
				t.Errorf("WWW-Authenticate %q lacks the challenges", ch)
			}
			if tt.wantPage && resp.Header.Get("Content-Security-Policy") != wantDashboardCSP {
				t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
			}
			if !tt.wantPage && !strings.Contains(body, `"UNAUTHORIZED"`) {
				t.Errorf("body is not the 401 envelope: %.200s", body)
			}
		})
	}
}

// TestDashboardGuarded: the guard against DNS rebinding and cross-site
// requests covers the dashboard like every route; the page's own
// same-origin requests pass it.
func TestDashboardGuarded(t *testing.T) {
	srv := dashboardServer(t, httpadapter.Auth{})
	for _, tt := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"same-origin fetch", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL}, 200},
		{"typed address", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"foreign origin", map[string]string{"Origin": "http://evil.example"}, 403},
	} {
		resp, body := getDash(t, srv, "/dashboard/dashboard.js", tt.header)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d: %.200s", tt.name, resp.StatusCode, tt.want, body)
		}
	}
	u, _ := url.Parse(srv.URL)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/dashboard", nil)
	req.Host = "rebound.example:" + u.Port()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a rebound Host: %d, want 403", resp.StatusCode)
	}
}

func basicAuthHeader(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}
