package webhooks_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
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
	rc := &heldReceiver{gate: make(chan struct{})}
	js := benchHook(b, rc, c)
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
