package webhooks

import (
	"context"
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
)

// fakeMsg is a JetStream message whose settlement the test sees.
type fakeMsg struct {
	jetstream.Msg // unused methods panic
	nm            *nats.Msg
	meta          jetstream.MsgMetadata
	acked         chan struct{}
	once          sync.Once
}

func (m *fakeMsg) Metadata() (*jetstream.MsgMetadata, error) { return &m.meta, nil }
func (m *fakeMsg) Data() []byte                              { return m.nm.Data }
func (m *fakeMsg) Headers() nats.Header                      { return m.nm.Header }
func (m *fakeMsg) Subject() string                           { return m.nm.Subject }
func (m *fakeMsg) Ack() error                                { m.once.Do(func() { close(m.acked) }); return nil }
func (m *fakeMsg) InProgress() error                         { return nil }
func (m *fakeMsg) Nak() error                                { return nil }

// fakeIter hands out msgs, each only once the one before it is acked.
type fakeIter struct {
	jetstream.MessagesContext
	msgs []*fakeMsg
	i    int
}

func (it *fakeIter) Next(...jetstream.NextOpt) (jetstream.Msg, error) {
	if it.i > 0 {
		select {
		case <-it.msgs[it.i-1].acked:
		case <-time.After(10 * time.Second):
		}
	}
	if it.i == len(it.msgs) {
		return nil, jetstream.ErrMsgIteratorClosed
	}
	it.i++
	return it.msgs[it.i-1], nil
}

// An event that comes back after it was delivered and acked (the ack was
// lost: a NATS reconnect, a consumer leader moving) is acked again, not
// delivered a second time, later than events after it.
func TestSettledEventComingBackIsNotDeliveredAgain(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { posts.Add(1) }))
	t.Cleanup(srv.Close)
	r := oneLaneRunner(t, "wh_t", srv.URL)
	msg := deliveriesOfOneEvent(t, 7)
	first, again := msg(1), msg(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sched := newScheduler(1, func(it *item) bool { return r.deliverItem(ctx, it) })
	_ = r.dispatch(&fakeIter{msgs: []*fakeMsg{first, again}}, sched, newBarrier(0, 0, time.Now()))
	select {
	case <-again.acked:
	case <-time.After(10 * time.Second):
		t.Fatal("the event that came back was not acked")
	}
	sched.stop()
	if n := posts.Load(); n != 1 {
		t.Fatalf("the event was posted %d times, want 1", n)
	}
}

// oneLaneRunner is a runner of webhook id posting to url, one lane, no
// consumer behind it: the tests hand it messages themselves.
func oneLaneRunner(t *testing.T, id, url string) *runner {
	t.Helper()
	cfg := Config{Log: slog.New(slog.DiscardHandler)}
	cfg.setDefaults()
	r, err := newRunner(&Service{cfg: cfg}, Webhook{ID: id, Definition: Definition{URL: url, Secret: NewSecret(),
		Mode: "binary", Concurrency: 1, MaxAge: Duration(time.Hour)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// deliveriesOfOneEvent makes the deliveries of one sample event at stream
// sequence seq: msg(n) is its n-th delivery.
func deliveriesOfOneEvent(t *testing.T, seq uint64) func(delivered uint64) *fakeMsg {
	t.Helper()
	ev := events.NumberedSample("default", 1)
	ce, err := events.NewCloudEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	nm, err := cenats.NewMsg(natsbus.Subjects{}.Event(ev.Session, ev.Subject, "message.received"), ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	return func(delivered uint64) *fakeMsg {
		return &fakeMsg{nm: nm, acked: make(chan struct{}), meta: jetstream.MsgMetadata{
			Sequence: jetstream.SequencePair{Stream: seq, Consumer: delivered}, NumDelivered: delivered, Timestamp: time.Now()}}
	}
}
