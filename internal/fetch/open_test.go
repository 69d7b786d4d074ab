package fetch_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestOpenStreamsBody(t *testing.T) {
	want := bytes.Repeat([]byte("0123456789"), 10000)
	srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(want) //nolint:errcheck // test server
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}})
	body, resp, err := f.Open(context.Background(), fetch.Request{URL: srv.URL + "/a.png", MaxBytes: int64(len(want))})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	got, err := io.ReadAll(body)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, err %v", len(got), err)
	}
	if resp.ContentType != "image/png" || resp.URL.Path != "/a.png" || resp.Body != nil {
		t.Fatalf("response = %+v", resp)
	}
}

func TestOpenRefusesLoopbackByDefault(t *testing.T) {
	srv, hits := server(t, func(http.ResponseWriter, *http.Request) {})
	f := newFetcher(t, fetch.Config{})
	_, _, err := f.Open(context.Background(), fetch.Request{URL: srv.URL})
	wantCode(t, err, werr.CodeURLNotAllowed)
	_, _, err = f.Open(context.Background(), fetch.Request{URL: "http://inside.test:" + port(srv) + "/"})
	wantCode(t, err, werr.CodeFetchFailed) // unknown to the fake resolver
	f = newFetcher(t, fetch.Config{Resolver: fakeResolver{"inside.test": {"127.0.0.1"}}})
	_, _, err = f.Open(context.Background(), fetch.Request{URL: "http://inside.test:" + port(srv) + "/"})
	wantCode(t, err, werr.CodeURLNotAllowed)
	if hits.Load() != 0 {
		t.Fatal("a refused address was contacted")
	}
}

// A body over the bound fails while it is read, after exactly the bound,
// whether or not the server announced its length.
func TestOpenBoundWhileReading(t *testing.T) {
	const size = 100000
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush()
		} else {
			w.Header().Set("Content-Length", fmt.Sprint(size))
		}
		w.Write(bytes.Repeat([]byte("x"), size)) //nolint:errcheck // test server
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}})
	_, _, err := f.Open(context.Background(), fetch.Request{URL: srv.URL + "/", MaxBytes: size - 1})
	wantCode(t, err, werr.CodeMediaTooLarge) // Content-Length says so before any read
	body, _, err := f.Open(context.Background(), fetch.Request{URL: srv.URL + "/chunked", MaxBytes: size - 1})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	n, err := io.Copy(io.Discard, body)
	wantCode(t, err, werr.CodeMediaTooLarge)
	if n != size-1 {
		t.Fatalf("read %d bytes before refusing, want the bound %d", n, size-1)
	}
	body, _, err = f.Open(context.Background(), fetch.Request{URL: srv.URL + "/chunked", MaxBytes: size})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	if n, err := io.Copy(io.Discard, body); err != nil || n != size {
		t.Fatalf("exact bound: %d bytes, %v", n, err)
	}
}

func TestOpenFailures(t *testing.T) {
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.NotFound(w, r)
		case "/cut":
			// Announces more than it sends, then drops the connection.
			w.Header().Set("Content-Length", "1000")
			fmt.Fprint(w, strings.Repeat("y", 10))
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}
	})
	f := newFetcher(t, fetch.Config{Allow: []string{"127.0.0.1/32"}})
	_, _, err := f.Open(context.Background(), fetch.Request{URL: srv.URL + "/404"})
	wantCode(t, err, werr.CodeFetchFailed)
	body, _, err := f.Open(context.Background(), fetch.Request{URL: srv.URL + "/cut"})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	_, err = io.Copy(io.Discard, body)
	wantCode(t, err, werr.CodeFetchFailed)
}
