package httpadapter_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
)

// FuzzGuard feeds browser-controlled request parts to the cross-site and
// rebinding guard and checks that whatever gets past it (any answer but
// 403/415) has a loopback Host, no foreign Origin, no cross-site fetch mark,
// and, when it changes anything, a JSON body or none at all.
func FuzzGuard(f *testing.F) {
	f.Add(true, "127.0.0.1:3000", "", "", "application/json", `{}`)
	f.Add(true, "localhost:3000", "http://localhost:3000", "same-origin", "application/json", `{}`)
	f.Add(true, "evil.example:3000", "http://evil.example:3000", "same-origin", "application/json", `{}`)
	f.Add(true, "127.0.0.1:3000", "http://evil.example", "cross-site", "text/plain", `{}`)
	f.Add(true, "127.0.0.1:3000", "null", "", "application/x-www-form-urlencoded", ``)
	f.Add(false, "[::1]:3000", "", "none", "", ``)
	f.Add(false, "LOCALHOST.:80", "HTTP://LOCALHOST", "Same-Site", "", ``)
	f.Add(true, "127.0.0.1", "https://127.0.0.1:443", "", "application/cloudevents+json; charset=utf-8", `{"a":1}`)
	h, err := httpadapter.New(httpadapter.Config{Routes: testRoutes, Bus: memBus{f}, Log: discard()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, post bool, host, origin, site, ctype, body string) {
		method, path := http.MethodGet, "/user/info"
		if post {
			method, path = http.MethodPost, "/app/logout"
		}
		req := httptest.NewRequest(method, "http://127.0.0.1:3000"+path, strings.NewReader(body))
		req.Host = host
		for k, v := range map[string]string{"Origin": origin, "Sec-Fetch-Site": site, "Content-Type": ctype} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		case rec.Code == http.StatusForbidden, rec.Code == http.StatusUnsupportedMediaType:
			return // refused
		}
		if !loopbackHost(host) {
			t.Errorf("Host %q got past the guard (%d)", host, rec.Code)
		}
		if origin != "" && !sameAuthority(origin, host) {
			t.Errorf("Origin %q with Host %q got past the guard (%d)", origin, host, rec.Code)
		}
		if s := strings.ToLower(site); s == "cross-site" || s == "same-site" {
			t.Errorf("Sec-Fetch-Site %q got past the guard (%d)", site, rec.Code)
		}
		if post && !(ctype == "" && body == "") && !strings.Contains(strings.ToLower(ctype), "json") {
			t.Errorf("POST with Content-Type %q and a %d-byte body got past the guard (%d)", ctype, len(body), rec.Code)
		}
	})
}

// loopbackHost parses Host its own way: [v6]:port, name:port or name.
func loopbackHost(host string) bool {
	name := strings.ToLower(host)
	if strings.HasPrefix(name, "[") {
		name, _, _ = strings.Cut(name[1:], "]")
	} else if strings.Count(name, ":") == 1 {
		name, _, _ = strings.Cut(name, ":")
	}
	name = strings.TrimSuffix(name, ".")
	ip := net.ParseIP(name)
	return name == "localhost" || (ip != nil && ip.IsLoopback())
}

// sameAuthority: the origin's host[:port] is the request's Host, default
// ports aside.
func sameAuthority(origin, host string) bool {
	_, authority, ok := strings.Cut(origin, "://")
	trim := func(s string) string {
		s = strings.ToLower(s)
		return strings.TrimSuffix(strings.TrimSuffix(s, ":80"), ":443")
	}
	return ok && trim(authority) == trim(host)
}
