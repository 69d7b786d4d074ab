package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/wabridge/wabridge/webhooks"
)

// A secret rotated during a redrive signs the dead letters delivered after
// it: the redrive takes the webhook's settings of now for each delivery,
// as live delivery does, not those it started with.
func TestRedriveSignsWithTheRotatedSecret(t *testing.T) {
	e := newEnv(t)
	var (
		redriving atomic.Bool
		arrived   = make(chan struct{}, 1)
		release   = make(chan struct{})
		mu        sync.Mutex
		got       []delivery // the 2xx answered to the redrive, in order
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !redriving.Load() {
			w.WriteHeader(http.StatusInternalServerError) // dead letters, after max_age
			return
		}
		mu.Lock()
		first := len(got) == 0
		got = append(got, delivery{header: r.Header.Clone(), body: body})
		mu.Unlock()
		if first {
			arrived <- struct{}{}
			<-release // a slow receiver holds the redrive here
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := e.create(webhooks.Definition{URL: srv.URL, MaxAge: webhooks.Duration(time.Second)})
	for i := range 3 {
		e.publish(i)
	}
	eventually(t, "three dead letters", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 3
	})

	redriving.Store(true)
	if _, err := e.svc.Redrive(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	<-arrived
	rot, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{End: true}); err != nil {
		t.Fatal(err)
	}
	close(release)
	eventually(t, "the redrive's end", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 0
	})

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d redriven deliveries, want 3", len(got))
	}
	verify(t, c.Secret, got[0].body, got[0].header) // signed before the rotation
	old, err := standardwebhooks.NewWebhook(c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range got[1:] {
		verify(t, rot.Secret, d.body, d.header)
		if old.Verify(d.body, d.header) == nil {
			t.Errorf("redriven delivery %d after the rotation ended is still signed with the old secret", i+2)
		}
	}
}

// The dead letter a redrive is retrying when the secret rotates signs with
// the new secret from its next attempt on: a receiver that switched to it
// at once (and refuses the old signature) gets it before max_age.
func TestRedriveRetriesSignWithTheRotatedSecret(t *testing.T) {
	e := newEnv(t)
	var (
		redriving atomic.Bool
		arrived   = make(chan struct{}, 1)
		release   = make(chan struct{})
		oldKey    atomic.Pointer[standardwebhooks.Webhook]
		attempts  atomic.Int32
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !redriving.Load() {
			w.WriteHeader(http.StatusInternalServerError) // a dead letter, after max_age
			return
		}
		if attempts.Add(1) == 1 {
			arrived <- struct{}{}
			<-release // held until the secret rotated
		}
		if oldKey.Load().Verify(body, r.Header) == nil {
			w.WriteHeader(http.StatusUnauthorized) // this receiver knows only the new secret
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := e.create(webhooks.Definition{URL: srv.URL, MaxAge: webhooks.Duration(time.Second)})
	old, err := standardwebhooks.NewWebhook(c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	oldKey.Store(old)
	e.publish(0)
	eventually(t, "a dead letter", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 1
	})

	redriving.Store(true)
	if _, err := e.svc.Redrive(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	<-arrived
	for _, rot := range []webhooks.Rotation{{}, {End: true}} {
		if _, err := e.svc.Rotate(ctx, c.ID, rot); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	eventually(t, "the dead letter delivered with the new secret", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 0
	})
	if n := attempts.Load(); n < 2 {
		t.Errorf("%d attempts, want the refused one and a retry", n)
	}
}
