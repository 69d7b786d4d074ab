package webhooks_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/natsbus/natstest"
	"github.com/wabridge/wabridge/webhooks"
)

// heldReceiver holds every request until gate closes.
type heldReceiver struct {
	benchReceiver
	gate chan struct{}
}

func (h *heldReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	<-h.gate
	h.benchReceiver.ServeHTTP(w, r)
}

// BenchmarkBacklogDrain is BenchmarkFanout with the events stored first,
// while the receiver holds the webhook's first requests (as after an
// outage): each op is one stored event delivered, the publishing is not
// measured.
func BenchmarkBacklogDrain(b *testing.B) {
	for _, c := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) { benchBacklog(b, c) })
	}
}

func benchBacklog(b *testing.B, c int) {
	js := natstest.JetStream(b)
	svc, err := webhooks.New(webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Stop(context.Background()) })
	rc := &heldReceiver{gate: make(chan struct{})}
	srv := httptest.NewServer(rc)
	b.Cleanup(srv.Close)
	if _, err := svc.Create(context.Background(), webhooks.Definition{URL: srv.URL, Concurrency: c}); err != nil {
		b.Fatal(err)
	}
	msgs := benchMsgs(b, b.N)
	done := rc.expect(b.N)
	for _, m := range msgs {
		if _, err := js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
	}
	<-js.PublishAsyncComplete()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	close(rc.gate)
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("the receiver has %d of %d events", rc.n.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
