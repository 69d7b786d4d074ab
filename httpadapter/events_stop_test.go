package httpadapter_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/wabridge/wabridge/httpadapter"
)

// A live stream ends when the server begins to shut down: it never ends
// by itself, and the server's shutdown would wait for it to its budget (a
// dashboard left open held every restart for the whole shutdown wait).
func TestEventsStreamEndsWhenTheServerStops(t *testing.T) {
	l := newMemLog(0)
	stopping := make(chan struct{})
	srv := newServer(t, memBus{t}, func(c *httpadapter.Config) {
		c.Events, c.EventsKeepAlive, c.Stopping = l, time.Hour, stopping
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, r := openSSE(t, ctx, srv.URL+"/events/stream", nil)
	r.frame()
	close(stopping)
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, resp.Body); ended <- err }()
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("the stream broke instead of ending: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream is still open after the server began to stop")
	}
	select {
	case <-l.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the cursor was not closed")
	}
}
