package webhooks

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawReceiver answers every request of every connection with answer; the
// connections stay open until the test ends (as a keep-alive receiver's).
func rawReceiver(t *testing.T, answer func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				br := bufio.NewReader(c)
				for {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					answer(c)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

// A receiver's status counts once its headers came, as with net/http
// (whose Post drains what of the body comes and ignores the rest): a 2xx
// whose body never ends taken for a failure would have the event posted
// again.
func TestFastPostStatusCountsWhenTheBodyNeverEnds(t *testing.T) {
	for name, answer := range map[string]string{
		"short body":       "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab",
		"body until close": "HTTP/1.1 202 Accepted\r\n\r\nab",
	} {
		target := rawReceiver(t, func(c net.Conn) { _, _ = c.Write([]byte(answer)) })
		p := newFastPoster(500 * time.Millisecond)
		status, _, err := p.post(context.Background(), target, fastDelivery(), nil, time.Now())
		if err != nil || status < 200 || status > 299 {
			t.Errorf("%s: post = %d %v, want the 2xx", name, status, err)
		}
		want, _, werr := fastDelivery().Post(context.Background(), NewClient(500*time.Millisecond), target, nil)
		if werr != nil || want != status {
			t.Errorf("%s: net/http's Post = %d %v, the fast path %d", name, want, werr, status)
		}
	}
}

// A receiver that takes the request and never answers fails the attempt
// within the configured timeout, not later.
func TestFastPostReceiverThatNeverAnswersTimesOut(t *testing.T) {
	target := rawReceiver(t, func(net.Conn) {})
	p := newFastPoster(300 * time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, _, err := p.post(context.Background(), target, fastDelivery(), nil, time.Now())
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("an unanswered post succeeded")
		}
	case <-time.After(10 * time.Second): // far beyond the 300 ms timeout
		t.Fatal("an unanswered post did not end")
	}
}

// An attempt in flight has no goroutine of the poster's beside the caller:
// watching the attempt's context costs nothing until it ends.
func TestFastPostStartsNoGoroutinePerRequest(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	target := rawReceiver(t, func(c net.Conn) {
		arrived <- struct{}{}
		<-release
		_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
	})
	p := newFastPoster(10 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, _, err := p.post(ctx, target, fastDelivery(), nil, time.Now())
		errc <- err
	}()
	<-arrived
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	for _, g := range strings.Split(stacks, "\n\n") {
		if strings.Contains(g, "(*fastPoster).do.func") {
			t.Errorf("a goroutine of the poster's waits beside the request:\n%s", g)
		}
	}
}
