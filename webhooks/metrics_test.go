package webhooks_test

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/natsbus/natstest"
	"github.com/wabridge/wabridge/webhooks"
)

type outcomeCounter struct {
	mu sync.Mutex
	n  map[[2]string]int // webhook id, outcome
}

func (o *outcomeCounter) WebhookDelivery(id, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[[2]string{id, outcome}]++
}

func (o *outcomeCounter) counts() map[[2]string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.n)
}

// TestObserverCountsEachOutcome: delivered and dead-lettered once per
// event, failed once per failed attempt, each under its webhook's id; the
// figures match what the receivers saw.
func TestObserverCountsEachOutcome(t *testing.T) {
	obs := &outcomeCounter{n: map[[2]string]int{}}
	js := natstest.JetStream(t)
	e := &env{t: t, js: js, cfg: webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler), Observer: obs,
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, AckWait: 2 * time.Second, Timeout: 2 * time.Second}}
	e.start()

	flaky := newReceiver(t, func(_, _ string, attempt int) int {
		if attempt <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	dead := newReceiver(t, func(string, string, int) int { return http.StatusInternalServerError })
	a := e.create(webhooks.Definition{URL: flaky.srv.URL})
	b := e.create(webhooks.Definition{URL: dead.srv.URL, MaxAge: webhooks.Duration(time.Second)})
	e.publish(1)
	e.publish(2)

	deadKey := [2]string{b.ID, webhooks.OutcomeDeadLettered}
	eventually(t, "both events delivered to one and dead-lettered at the other", func() bool {
		c := obs.counts()
		return c[[2]string{a.ID, webhooks.OutcomeDelivered}] == 2 && c[deadKey] == 2
	})
	want := map[[2]string]int{
		{a.ID, webhooks.OutcomeDelivered}: 2,
		{a.ID, webhooks.OutcomeFailed}:    4,
		{b.ID, webhooks.OutcomeFailed}:    len(dead.deliveries()),
		deadKey:                           2,
	}
	if got := obs.counts(); !maps.Equal(got, want) {
		t.Fatalf("observed %v, want %v", got, want)
	}
}

type forgettingCounter struct {
	outcomeCounter
	forgotten chan string
}

func (f *forgettingCounter) ForgetWebhook(id string) { f.forgotten <- id }

// TestDeleteTellsTheObserverToForget: an Observer that keeps series per
// webhook hears of a deletion once the webhook's delivery has ended, so a
// deleted webhook's series do not stay until the process restarts.
func TestDeleteTellsTheObserverToForget(t *testing.T) {
	obs := &forgettingCounter{outcomeCounter: outcomeCounter{n: map[[2]string]int{}}, forgotten: make(chan string, 8)}
	js := natstest.JetStream(t)
	e := &env{t: t, js: js, cfg: webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler), Observer: obs,
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, AckWait: 2 * time.Second, Timeout: 2 * time.Second}}
	e.start()
	rcv := newReceiver(t, func(string, string, int) int { return http.StatusNoContent })
	a := e.create(webhooks.Definition{URL: rcv.srv.URL})
	e.publish(1)
	eventually(t, "the event delivered", func() bool { return obs.counts()[[2]string{a.ID, webhooks.OutcomeDelivered}] == 1 })
	if err := e.svc.Delete(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-obs.forgotten:
		if id != a.ID {
			t.Fatalf("forgot %q, want %q", id, a.ID)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the observer was not told to forget the deleted webhook")
	}
}
