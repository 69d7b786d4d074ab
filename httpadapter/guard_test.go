package httpadapter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
)

// raw does one request exactly as given: no Content-Type is added, and a
// "Host" entry sets the Host header.
func raw(t *testing.T, srv *httptest.Server, method, path, body string, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	env := map[string]any{"raw": string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, b)
		}
	}
	return resp, env
}

func TestGuardRefusesCrossSiteAndRebinding(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	strict := newServer(t, nc, nil)
	port := strict.URL[strings.LastIndex(strict.URL, ":"):]
	proxied := newServer(t, nc, func(c *httpadapter.Config) { c.AllowedHosts = []string{"WA.example.com"} })
	public := newServer(t, nc, func(c *httpadapter.Config) { c.ListenAddr = "0.0.0.0:3000" })
	publicNamed := newServer(t, nc, func(c *httpadapter.Config) {
		c.ListenAddr = ":3000"
		c.AllowedHosts = []string{"wa.example.com"}
	})
	const msg = `{"phone":"4917612345678","message":"hi"}`
	const jsonCT = "application/json"

	tests := []struct {
		name     string
		srv      *httptest.Server // strict when nil
		method   string
		path     string
		body     string
		header   map[string]string
		wantCode int
		wantErr  string
	}{
		// A cross-site HTML form: a Content-Type is always sent, fields or not.
		{name: "form post to logout", method: "POST", path: "/app/logout",
			header:   map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain form post to logout", method: "POST", path: "/app/logout", body: "x=1",
			header:   map[string]string{"Content-Type": "text/plain"},
			wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		// no-cors fetch with a Blob body: no Content-Type at all.
		{name: "no-cors fetch without type", method: "POST", path: "/send/message", body: msg,
			header: map[string]string{}, wantCode: 415, wantErr: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "no-cors fetch text/plain", method: "POST", path: "/send/message", body: msg,
			header:   map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
			wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "bodyless no-cors fetch", method: "POST", path: "/app/logout",
			header:   map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
			wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "foreign origin with json", method: "POST", path: "/send/message", body: msg,
			header: map[string]string{"Content-Type": jsonCT, "Origin": "http://evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "other local app's origin", method: "POST", path: "/send/message", body: msg,
			header: map[string]string{"Content-Type": jsonCT, "Origin": "http://127.0.0.1:1"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "opaque origin", method: "POST", path: "/app/logout",
			header: map[string]string{"Origin": "null"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "same-site fetch mark", method: "POST", path: "/send/message", body: msg,
			header: map[string]string{"Content-Type": jsonCT, "Sec-Fetch-Site": "same-site"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "cross-site navigation to the QR login", method: "GET", path: "/app/login",
			header: map[string]string{"Sec-Fetch-Site": "cross-site", "Accept": browserAccept}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "cross-origin read of the QR login", method: "GET", path: "/app/login",
			header: map[string]string{"Origin": "http://evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},
		// DNS rebinding: same-origin to the browser, but the Host is foreign.
		{name: "rebinding read", method: "GET", path: "/app/login",
			header: map[string]string{"Host": "evil.example" + port}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "rebinding send", method: "POST", path: "/send/message", body: msg,
			header:   map[string]string{"Host": "evil.example" + port, "Origin": "http://evil.example" + port, "Content-Type": jsonCT, "Sec-Fetch-Site": "same-origin"},
			wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "rebinding health", method: "GET", path: "/readyz",
			header: map[string]string{"Host": "evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "suffix of a loopback name", method: "GET", path: "/user/info",
			header: map[string]string{"Host": "localhost.evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "multipart route keeps the origin check", method: "POST", path: "/send/image", body: "--x--",
			header:   map[string]string{"Content-Type": "multipart/form-data; boundary=x", "Origin": "http://evil.example"},
			wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "public listener with names is strict", srv: publicNamed, method: "GET", path: "/user/info",
			header: map[string]string{"Host": "evil.example"}, wantCode: 403, wantErr: "FORBIDDEN"},

		// What must keep working.
		{name: "same-origin json send", method: "POST", path: "/send/message", body: msg,
			header:   map[string]string{"Content-Type": jsonCT, "Origin": strict.URL, "Sec-Fetch-Site": "same-origin"},
			wantCode: 200},
		{name: "curl json send", method: "POST", path: "/send/message", body: msg,
			header: map[string]string{"Content-Type": "application/json; charset=utf-8"}, wantCode: 200},
		{name: "curl bodyless logout as in the reference", method: "POST", path: "/app/logout",
			header: map[string]string{}, wantCode: 200},
		{name: "bodyless logout with json type", method: "POST", path: "/app/logout",
			header: map[string]string{"Content-Type": jsonCT}, wantCode: 200},
		{name: "typed address bar", method: "GET", path: "/app/login",
			header: map[string]string{"Sec-Fetch-Site": "none", "Accept": browserAccept}, wantCode: 200},
		{name: "localhost", method: "GET", path: "/user/info", header: map[string]string{"Host": "localhost" + port}, wantCode: 200},
		{name: "localhost with trailing dot", method: "GET", path: "/user/info", header: map[string]string{"Host": "LOCALHOST." + port}, wantCode: 200},
		{name: "ipv6 loopback", method: "GET", path: "/user/info", header: map[string]string{"Host": "[::1]" + port}, wantCode: 200},
		{name: "all of 127/8", method: "GET", path: "/user/info", header: map[string]string{"Host": "127.3.2.1"}, wantCode: 200},
		{name: "configured name", srv: proxied, method: "GET", path: "/user/info",
			header: map[string]string{"Host": "wa.example.com:443"}, wantCode: 200},
		{name: "proxy that rewrites Host", srv: proxied, method: "POST", path: "/send/message", body: msg,
			header: map[string]string{"Content-Type": jsonCT, "Origin": "https://wa.example.com", "Sec-Fetch-Site": "same-origin"}, wantCode: 200},
		{name: "public listener takes any host", srv: public, method: "GET", path: "/user/info",
			header: map[string]string{"Host": "bridge.internal:3000"}, wantCode: 200},
		{name: "public listener still checks origin", srv: public, method: "POST", path: "/send/message", body: msg,
			header:   map[string]string{"Host": "bridge.internal:3000", "Content-Type": jsonCT, "Origin": "http://evil.example"},
			wantCode: 403, wantErr: "FORBIDDEN"},
		{name: "public listener with names", srv: publicNamed, method: "GET", path: "/user/info",
			header: map[string]string{"Host": "wa.example.com"}, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv
			if srv == nil {
				srv = strict
			}
			resp, env := raw(t, srv, tt.method, tt.path, tt.body, tt.header)
			if resp.StatusCode != tt.wantCode {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tt.wantCode, env)
			}
			if tt.wantErr == "" {
				return
			}
			if env["code"] != tt.wantErr || env["message"] == "" {
				t.Errorf("envelope %v, want code %s with a message", env, tt.wantErr)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	nc := startNATS(t)
	startResponder(t, nc)
	srv := newServer(t, nc, nil)
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		wantHTML           bool
	}{
		{name: "login page", method: "GET", path: "/app/login", header: map[string]string{"Accept": browserAccept}, wantHTML: true},
		{name: "json command", method: "GET", path: "/user/info"},
		{name: "refusal", method: "GET", path: "/user/info", header: map[string]string{"Host": "evil.example"}},
		{name: "not found", method: "GET", path: "/nope"},
		{name: "health", method: "GET", path: "/healthz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := raw(t, srv, tc.method, tc.path, "", tc.header)
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options %q", got)
			}
			if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy %q", got)
			}
			if tc.wantHTML && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("not the HTML page: %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}
