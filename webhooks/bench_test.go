package webhooks_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/natsbus/natstest"
	"github.com/wabridge/wabridge/webhooks"
)

// BenchmarkFanout runs the whole delivery engine (the durable consumer,
// the scheduler, signing, the HTTP client) against a local receiver: each
// op is one event published to WA_EVENTS and delivered. Events spread over
// 16 chats so that every concurrency has lanes to fill.
func BenchmarkFanout(b *testing.B) {
	for _, c := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) { benchFanout(b, c) })
	}
}

func benchFanout(b *testing.B, c int) {
	rc := &benchReceiver{}
	js := benchHook(b, rc, c)
	msgs := benchMsgs(b, b.N)
	done := rc.expect(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for _, m := range msgs {
		if _, err := js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("the receiver has %d of %d events", rc.n.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// benchHook starts the webhooks service on an embedded JetStream with one
// webhook of concurrency c posting to h.
func benchHook(b *testing.B, h http.Handler, c int) jetstream.JetStream {
	b.Helper()
	js := natstest.JetStream(b)
	svc, err := webhooks.New(webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Stop(context.Background()) })
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	if _, err := svc.Create(context.Background(), webhooks.Definition{URL: srv.URL, Concurrency: c}); err != nil {
		b.Fatal(err)
	}
	return js
}

// benchMsgs are n distinct message.received events over 16 chats.
func benchMsgs(b *testing.B, n int) []*nats.Msg {
	b.Helper()
	subj := natsbus.Subjects{}
	out := make([]*nats.Msg, n)
	for i := range n {
		e := events.NumberedSample("default", i)
		e.Subject = fmt.Sprintf("12036302524612%04d@g.us", i%16)
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			b.Fatal(err)
		}
		m, err := cenats.NewMsg(subj.Event("default", e.Subject, "message.received"), ce, cenats.Binary)
		if err != nil {
			b.Fatal(err)
		}
		m.Header.Set(nats.MsgIdHdr, ce.ID())
		out[i] = m
	}
	return out
}

// benchReceiver answers 204 and closes done at want deliveries.
type benchReceiver struct {
	n    atomic.Int64
	mu   sync.Mutex
	want int64
	done chan struct{}
}

func (rc *benchReceiver) expect(n int) <-chan struct{} {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.n.Store(0)
	rc.want, rc.done = int64(n), make(chan struct{})
	return rc.done
}

func (rc *benchReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.WriteHeader(http.StatusNoContent)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.n.Add(1) == rc.want {
		close(rc.done)
	}
}

// BenchmarkRawPost is the baseline: the same bodies POSTed in a loop by one
// client to the same kind of receiver.
func BenchmarkRawPost(b *testing.B) {
	rc := &benchReceiver{}
	srv := httptest.NewServer(rc)
	b.Cleanup(srv.Close)
	msgs := benchMsgs(b, 1)
	client := webhooks.NewClient(0)
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(msgs[0].Data))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func BenchmarkRawSigned(b *testing.B) {
	rc := &benchReceiver{}
	srv := httptest.NewServer(rc)
	b.Cleanup(srv.Close)
	msgs := benchMsgs(b, 1)
	ce, _ := cenats.Decode(msgs[0].Header, msgs[0].Data)
	key, _ := webhooks.ParseSecret(webhooks.NewSecret())
	client := webhooks.NewClient(0)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := webhooks.Post(context.Background(), client, srv.URL, ce, cenats.Binary, [][]byte{key}); err != nil {
			b.Fatal(err)
		}
	}
}
