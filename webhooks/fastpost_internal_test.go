package webhooks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fastDelivery() Delivery {
	return Delivery{ID: "ev-1", Body: []byte(`{"a":1}`), Header: http.Header{
		"Content-Type": {"application/json"}, "Ce-Id": {"ev-1"}, "Ce-Type": {"io.wabridge.message.received"},
		"Ce-Source": {"wabridge/default"}, "Ce-Specversion": {"1.0"},
	}}
}

// The fast path writes what net/http's Delivery.Request writes: the
// binding's headers, the Standard Webhooks ones, the body, and basic auth
// from the URL's user info (operators put n8n's credentials there).
func TestFastPostSendsTheDeliveryAsNetHTTPWould(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		got <- r
		bodies <- b.String()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("n8n", "s3cret")
	u.Path, u.RawPath = "/hook/a/b", "/hook/a%2Fb"
	key := []byte("0123456789abcdef0123456789abcdef")
	p := newFastPoster(5 * time.Second)
	ts := time.Unix(1796160000, 0)
	status, _, err := p.post(context.Background(), u.String(), fastDelivery(), [][]byte{key}, ts)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("post: %d %v", status, err)
	}
	r := <-got
	if user, pass, ok := r.BasicAuth(); !ok || user != "n8n" || pass != "s3cret" {
		t.Errorf("basic auth = %q %q %v", user, pass, ok)
	}
	if r.URL.EscapedPath() != "/hook/a%2Fb" {
		t.Errorf("path = %q", r.URL.EscapedPath())
	}
	want, _ := fastDelivery().Request(context.Background(), srv.URL, [][]byte{key}, ts)
	for _, h := range []string{"Content-Type", "Ce-Id", "Ce-Type", "Ce-Source", "Ce-Specversion",
		HeaderID, HeaderTimestamp, HeaderSignature, "User-Agent"} {
		if g, w := r.Header.Get(h), want.Header.Get(h); g != w || g == "" {
			t.Errorf("%s = %q, net/http's request has %q", h, g, w)
		}
	}
	if b := <-bodies; b != `{"a":1}` {
		t.Errorf("body = %q", b)
	}
}

// A receiver's 2xx is a delivery whatever the size of its answer's body:
// taken for a failure, the event would be posted again.
func TestFastPostLargeAnswerStillCounts(t *testing.T) {
	big := strings.Repeat("x", 4*maxResponseBytes)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		_, _ = w.Write([]byte(big))
	}))
	defer srv.Close()
	p := newFastPoster(5 * time.Second)
	status, _, err := p.post(context.Background(), srv.URL, fastDelivery(), nil, time.Now())
	if err != nil || status != http.StatusOK {
		t.Fatalf("post: %d %v", status, err)
	}
	// And a failure's Retry-After is read.
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	status, wait, err := p.post(context.Background(), srv.URL, fastDelivery(), nil, time.Now())
	var se *StatusError
	if status != http.StatusServiceUnavailable || wait != 7*time.Second || !errors.As(err, &se) {
		t.Fatalf("post: %d %v %v", status, wait, err)
	}
}

// A kept connection the receiver closed (its keep-alive timeout) is not a
// failed delivery: the request goes again at once on a new connection.
func TestFastPostRetriesAConnectionTheReceiverClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				// One answer, then the connection is closed without saying
				// so: the client keeps it for the next request.
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				var b bytes.Buffer
				_, _ = b.ReadFrom(req.Body)
				_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
				time.Sleep(50 * time.Millisecond)
			}()
		}
	}()
	p := newFastPoster(5 * time.Second)
	target := "http://" + ln.Addr().String() + "/hook"
	for i := range 3 {
		status, _, err := p.post(context.Background(), target, fastDelivery(), nil, time.Now())
		if err != nil || status != http.StatusNoContent {
			t.Fatalf("post %d: %d %v", i, status, err)
		}
		time.Sleep(100 * time.Millisecond) // the receiver has closed it
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want one per post", n)
	}
}

// A canceled attempt ends at once, on the connection in flight: the
// receiver sees it closed, as with net/http's cancellation.
func TestFastPostCancelClosesTheRequestInFlight(t *testing.T) {
	arrived := make(chan struct{}, 1)
	closed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			close(closed)
		case <-time.After(30 * time.Second):
		}
	}))
	defer srv.Close()
	p := newFastPoster(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := p.post(ctx, srv.URL, fastDelivery(), nil, time.Now())
		errc <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the canceled post did not return")
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver's connection stayed open")
	}
	// The poster still delivers afterwards (a runner that restarts).
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	if status, _, err := p.post(context.Background(), srv.URL, fastDelivery(), nil, time.Now()); err != nil || status != 200 {
		t.Fatalf("post after cancel: %d %v", status, err)
	}
}

// Only plain HTTP without a proxy takes the fast path: HTTPS keeps
// net/http's HTTP/2 and TLS, a proxy of the environment keeps applying.
func TestFastPostHandlesPlainHTTPWithoutProxyOnly(t *testing.T) {
	p := newFastPoster(time.Second)
	proxy, _ := url.Parse("http://proxy.example:3128")
	p.proxy = func(u *url.URL) (*url.URL, error) {
		if u.Hostname() == "far.example" {
			return proxy, nil
		}
		return nil, nil
	}
	for raw, want := range map[string]bool{
		"http://127.0.0.1:5678/webhook": true,
		"HTTP://n8n:5678/webhook":       true,
		"https://n8n.example/webhook":   false,
		"http://far.example/webhook":    false,
		"http:///nohost":                false,
		"::bad":                         false,
	} {
		if got := p.handles(raw); got != want {
			t.Errorf("handles(%q) = %v, want %v", raw, got, want)
		}
	}
}
