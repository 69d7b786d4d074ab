package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
)

// losingJS loses the async publish of one CloudEvent id the first time it
// is sent, as a broken connection loses bytes already written, while the
// publishes after it go through, as a reconnect buffer flushed to a new
// connection would send them.
type losingJS struct {
	jetstream.JetStream
	mu   sync.Mutex
	lose map[string]bool
}

func (j *losingJS) PublishMsgAsync(msg *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	j.mu.Lock()
	lost := j.lose[msg.Header.Get("ce-id")]
	delete(j.lose, msg.Header.Get("ce-id"))
	j.mu.Unlock()
	if lost {
		return lostFuture{msg: msg}, nil
	}
	return j.JetStream.PublishMsgAsync(msg, opts...)
}

// lostFuture is the PubAck of a message that never reached the server.
type lostFuture struct{ msg *nats.Msg }

func (f lostFuture) Ok() <-chan *jetstream.PubAck { return nil }
func (f lostFuture) Msg() *nats.Msg               { return f.msg }
func (f lostFuture) Err() <-chan error {
	ch := make(chan error, 1)
	ch <- errors.New("connection lost")
	return ch
}

// A message lost in the middle of a pipelined window must not let the
// later ones of the window be stored before it: the stream keeps each
// session's order and holds every entry once.
func TestLostPublishInWindowKeepsOrder(t *testing.T) {
	s := startNATS(t, t.TempDir(), "")
	_, ob := openOutbox(t, t.TempDir())
	const n = 300
	ctx := context.Background()
	lose := map[string]bool{}
	var want []string
	for i := range n {
		e := sampleEvent("default", i)
		if err := ob.Emit(ctx, e); err != nil {
			t.Fatal(err)
		}
		id := events.EventID(e.Session, e.Type, e.Key)
		want = append(want, id)
		if i%37 == 5 {
			lose[id] = true
		}
	}
	js := &losingJS{JetStream: connectJS(t, s), lose: lose}
	p := newPublisher(ob, js, outbox.PublisherConfig{Window: 64, RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond})
	runPublisher(t, p)
	flush(t, p)

	got := idsBySession(t, streamMsgs(t, js))["default"]
	if len(got) != n {
		t.Fatalf("stream holds %d messages, want %d", len(got), n)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("stream position %d holds %s, want %s: order broken by a lost publish", i, got[i], want[i])
		}
	}
	if len(js.lose) != 0 {
		t.Fatalf("%d publishes were never attempted pipelined; the test proves nothing", len(js.lose))
	}
}

// Sessions publishing at once interleave on the stream, which breaks each
// other's windows; every entry still lands once, in its session's order.
func TestConcurrentSessionsWindowsKeepOrder(t *testing.T) {
	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	_, ob := openOutbox(t, t.TempDir())
	p := newPublisher(ob, js, outbox.PublisherConfig{Window: 32})
	runPublisher(t, p)
	ctx := context.Background()
	sessions := []string{"default", "shop-2", "shop-3"}
	want := map[string][]string{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, session := range sessions {
		wg.Go(func() {
			for i := range 400 {
				e := sampleEvent(session, i)
				if err := ob.Emit(ctx, e); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want[session] = append(want[session], events.EventID(e.Session, e.Type, e.Key))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	flush(t, p)
	got := idsBySession(t, streamMsgs(t, js))
	for _, session := range sessions {
		if len(got[session]) != len(want[session]) {
			t.Fatalf("session %s: stream holds %d, want %d", session, len(got[session]), len(want[session]))
		}
		for i := range got[session] {
			if got[session][i] != want[session][i] {
				t.Fatalf("session %s position %d holds %s, want %s", session, i, got[session][i], want[session][i])
			}
		}
	}
}
