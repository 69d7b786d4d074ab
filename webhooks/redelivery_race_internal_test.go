package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// redeliveringIter hands out first, then (after a pause, with nothing
// else ordering it against the delivery in progress) again, a redelivery
// of the same event, then waits for done.
type redeliveringIter struct {
	jetstream.MessagesContext
	msgs  []*fakeMsg
	pause time.Duration
	done  chan struct{}
	i     int
}

func (it *redeliveringIter) Next(...jetstream.NextOpt) (jetstream.Msg, error) {
	if it.i == len(it.msgs) {
		<-it.done
		return nil, jetstream.ErrMsgIteratorClosed
	}
	if it.i > 0 {
		time.Sleep(it.pause)
	}
	it.i++
	return it.msgs[it.i-1], nil
}

// An event redelivered while a worker posts it (an in-progress report
// lost, a consumer leader moving) refreshes the handle the worker acks
// with; the dispatch loop writing it and the worker reading it must not
// race (go test -race reports it otherwise). The redelivery's handle is
// the one acked, and the event is posted once.
func TestRedeliveryDuringDeliveryDoesNotRace(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		posts.Add(1)
		time.Sleep(300 * time.Millisecond) // the redelivery comes meanwhile
	}))
	t.Cleanup(srv.Close)
	r := oneLaneRunner(t, "wh_race", srv.URL)
	msg := deliveriesOfOneEvent(t, 9)
	first, again := msg(1), msg(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sched := newScheduler(1, func(it *item) bool { return r.deliverItem(ctx, it) })
	iter := &redeliveringIter{msgs: []*fakeMsg{first, again}, pause: 100 * time.Millisecond, done: make(chan struct{})}
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		_ = r.dispatch(iter, sched, newBarrier(0, 0, time.Now()))
	}()
	select {
	case <-again.acked:
	case <-first.acked:
		t.Fatal("the first delivery's handle was acked, not the redelivery's")
	case <-time.After(10 * time.Second):
		t.Fatal("the event was not acked")
	}
	close(iter.done)
	<-dispatched
	sched.stop()
	if n := posts.Load(); n != 1 {
		t.Fatalf("the event was posted %d times, want 1", n)
	}
}
