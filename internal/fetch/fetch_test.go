package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/werr"
)

// fakeResolver answers names from a table and never asks DNS.
type fakeResolver map[string][]string

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ips, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range ips {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// server is an httptest server on 127.0.0.1 counting the requests it got.
func server(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func newFetcher(t *testing.T, cfg fetch.Config) *fetch.Fetcher {
	t.Helper()
	if cfg.Resolver == nil {
		cfg.Resolver = fakeResolver{}
	}
	f, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var we *werr.Error
	if !errors.As(err, &we) || we.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func port(srv *httptest.Server) string {
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return p
}

func TestFetchAllowedLoopback(t *testing.T) {
	srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>hello</html>")
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}})
	resp, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/page"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "<html>hello</html>" || resp.ContentType != "text/html" || resp.URL.Path != "/page" {
		t.Fatalf("response = %+v", resp)
	}
}

func TestFetchRefusesLoopbackByDefault(t *testing.T) {
	srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request) {})
	f := newFetcher(t, fetch.Config{})
	_, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL})
	wantCode(t, err, werr.CodeURLNotAllowed)
	if werr.From(err).Status() != http.StatusBadRequest {
		t.Fatalf("status = %d", werr.From(err).Status())
	}
	if hits.Load() != 0 {
		t.Fatal("the refused server was contacted")
	}
}

// Literal addresses and schemes are refused before anything is dialled.
func TestCheckURLRefuses(t *testing.T) {
	f := newFetcher(t, fetch.Config{})
	for _, u := range []string{
		"http://127.0.0.1/",
		"http://127.1.2.3:8080/x",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]/",
		"http://[::ffff:127.0.0.1]/",
		"http://[::ffff:169.254.169.254]/",
		"http://[fe80::1%25eth0]/",
		"http://10.0.0.1/",
		"http://10.255.255.255/",
		"http://172.16.0.1/",
		"http://192.168.1.1/",
		"http://100.64.0.1/",
		"http://0.0.0.0/",
		"http://[::]/",
		"http://[fd00::1]/",
		"http://[64:ff9b::7f00:1]/",
		"http://224.0.0.1/",
		"ftp://example.com/",
		"file:///etc/passwd",
		"gopher://example.com/",
		"http://user:secret@example.com/",
		"http:///nohost",
		"://bad",
	} {
		_, err := f.CheckURL(u)
		wantCode(t, err, werr.CodeURLNotAllowed)
		_, err = f.Fetch(context.Background(), fetch.Request{URL: u})
		wantCode(t, err, werr.CodeURLNotAllowed)
	}
	for _, u := range []string{"https://example.com/a?b=c", "http://93.184.216.34/", "http://[2606:4700::1]/", "HTTP://Example.COM"} {
		if _, err := f.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q) = %v, want accepted", u, err)
		}
	}
}

func TestFetchRefusesNameResolvingInside(t *testing.T) {
	srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request) {})
	for name, ips := range map[string][]string{
		"inside.test": {"127.0.0.1"},
		"meta.test":   {"169.254.169.254"},
		"mixed.test":  {"127.0.0.1", "93.184.216.34"}, // one inside refuses the name
		"v6.test":     {"::1"},
		"ten.test":    {"10.0.0.7"},
	} {
		f := newFetcher(t, fetch.Config{Resolver: fakeResolver{name: ips}})
		_, err := f.Fetch(context.Background(), fetch.Request{URL: "http://" + name + ":" + port(srv) + "/"})
		wantCode(t, err, werr.CodeURLNotAllowed)
	}
	if hits.Load() != 0 {
		t.Fatal("a refused name reached the server")
	}
}

func TestFetchRefusesRedirectInside(t *testing.T) {
	target, targetHits := server(t, func(w http.ResponseWriter, _ *http.Request) {})
	for _, to := range []string{
		target.URL + "/secret",                     // loopback literal
		"http://169.254.169.254/latest/meta-data/", // metadata literal
		"http://inner.test:" + port(target) + "/x", // name resolving to loopback
		"file:///etc/passwd",                       // scheme
	} {
		start, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, http.StatusFound)
		})
		// The start is allowed by its name only; its redirects are not.
		f := newFetcher(t, fetch.Config{
			Allow:    []string{"start.test"},
			Resolver: fakeResolver{"start.test": {"127.0.0.1"}, "inner.test": {"127.0.0.1"}},
		})
		_, err := f.Fetch(context.Background(), fetch.Request{URL: "http://start.test:" + port(start) + "/"})
		wantCode(t, err, werr.CodeURLNotAllowed)
	}
	if targetHits.Load() != 0 {
		t.Fatal("a redirect reached the inside")
	}
}

func TestFetchFollowsAllowedRedirects(t *testing.T) {
	var srv *httptest.Server
	srv, _ = server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/end" {
			fmt.Fprint(w, "end")
			return
		}
		http.Redirect(w, r, srv.URL+"/end", http.StatusMovedPermanently)
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1"}})
	resp, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/start"})
	if err != nil || string(resp.Body) != "end" || resp.URL.Path != "/end" {
		t.Fatalf("resp = %+v, err = %v", resp, err)
	}
}

func TestFetchStopsEndlessRedirects(t *testing.T) {
	srv, hits := server(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again", http.StatusFound)
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}, MaxRedirects: 3})
	_, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL})
	wantCode(t, err, werr.CodeFetchFailed)
	if hits.Load() != 4 {
		t.Fatalf("requests = %d, want the first and 3 redirects", hits.Load())
	}
}

func TestFetchFailures(t *testing.T) {
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.NotFound(w, r)
		case "/slow":
			<-r.Context().Done()
		}
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}, Timeout: 300 * time.Millisecond})
	for _, u := range []string{srv.URL + "/404", srv.URL + "/slow", closed.URL, "http://unknown.test/"} {
		_, err := f.Fetch(context.Background(), fetch.Request{URL: u})
		wantCode(t, err, werr.CodeFetchFailed)
		if !werr.KindOf(err).Retryable() || werr.From(err).Status() != http.StatusBadGateway {
			t.Fatalf("%s: %v is not a transient 502", u, err)
		}
	}
}

func TestFetchBodyLimit(t *testing.T) {
	body := strings.Repeat("x", 1000)
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length
		}
		fmt.Fprint(w, body)
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}})
	for _, p := range []string{"/", "/chunked"} {
		_, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL + p, MaxBytes: 999})
		wantCode(t, err, werr.CodeMediaTooLarge)
		resp, err := f.Fetch(context.Background(), fetch.Request{URL: srv.URL + p, MaxBytes: 100, Truncate: true})
		if err != nil || len(resp.Body) != 100 || !resp.Truncated {
			t.Fatalf("%s truncated: len %d truncated %v err %v", p, len(resp.Body), resp.Truncated, err)
		}
		resp, err = f.Fetch(context.Background(), fetch.Request{URL: srv.URL + p, MaxBytes: 1000})
		if err != nil || len(resp.Body) != 1000 || resp.Truncated {
			t.Fatalf("%s exact: len %d err %v", p, len(resp.Body), err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (fetch.Config{Allow: []string{"127.0.0.1/32", "::1", "wiki.intranet", "10.0.0.0/8"}}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"10.0.0.0/33", "not a host", "a..b", "http://x"} {
		if err := (fetch.Config{Allow: []string{bad}}).Validate(); err == nil {
			t.Errorf("Allow %q accepted", bad)
		}
		if _, err := fetch.New(fetch.Config{Allow: []string{bad}}); err == nil {
			t.Errorf("New with Allow %q accepted", bad)
		}
	}
}
