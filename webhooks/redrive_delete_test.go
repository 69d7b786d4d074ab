package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wabridge/wabridge/webhooks"
)

// Deleting a webhook ends its running redrive: nothing more is posted to a
// receiver whose webhook is gone (a redrive retries for max_age).
func TestDeleteStopsItsRedrive(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.cfg.Timeout = time.Minute // an attempt outlives the test unless canceled
	e.start()
	var (
		blocking atomic.Bool
		arrived  = make(chan struct{}, 1)
		canceled = make(chan struct{})
		testDone = make(chan struct{})
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !blocking.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		// Read to the end: the server notices a closed connection (and
		// cancels the request's context) only once the body is consumed.
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			close(canceled)
		case <-testDone:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(testDone) }) // runs first: no handler outlives the test
	ctx := context.Background()
	c := e.create(webhooks.Definition{URL: srv.URL, MaxAge: webhooks.Duration(time.Second)})
	e.publish(1)
	eventually(t, "a dead letter", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 1
	})
	blocking.Store(true)
	if _, err := e.svc.Redrive(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	<-arrived
	if err := e.svc.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-canceled:
	case <-time.After(15 * time.Second):
		t.Fatal("the redrive of a deleted webhook still posts to its receiver")
	}
}
