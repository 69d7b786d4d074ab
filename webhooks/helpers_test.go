package webhooks_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
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

// env is an embedded JetStream with the streams, and a webhooks service
// with short backoffs over it.
type env struct {
	t    *testing.T
	js   jetstream.JetStream
	subj natsbus.Subjects
	svc  *webhooks.Service
	cfg  webhooks.Config
}

func newEnv(t *testing.T) *env {
	t.Helper()
	js := natstest.JetStream(t)
	e := &env{t: t, js: js, cfg: webhooks.Config{JS: js, Log: slog.New(slog.DiscardHandler),
		BackoffMin: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond, AckWait: 2 * time.Second, Timeout: 2 * time.Second}}
	e.start()
	return e
}

// start runs a fresh service (as a restarted node would).
func (e *env) start() {
	e.t.Helper()
	svc, err := webhooks.New(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.svc = svc
	e.t.Cleanup(func() { _ = svc.Stop(context.Background()) })
}

func (e *env) stop() {
	e.t.Helper()
	if err := e.svc.Stop(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// publish stores the i-th numbered sample event in WA_EVENTS.
func (e *env) publish(i int) string {
	e.t.Helper()
	ev := events.NumberedSample("default", i)
	ce, err := events.NewCloudEvent(ev)
	if err != nil {
		e.t.Fatal(err)
	}
	msg, err := cenats.NewMsg(e.subj.Event(ev.Session, ev.Subject, "message.received"), ce, cenats.Binary)
	if err != nil {
		e.t.Fatal(err)
	}
	msg.Header.Set(nats.MsgIdHdr, ce.ID())
	if _, err := e.js.PublishMsg(context.Background(), msg); err != nil {
		e.t.Fatal(err)
	}
	return ce.ID()
}

func (e *env) create(d webhooks.Definition) webhooks.Created {
	e.t.Helper()
	c, err := e.svc.Create(context.Background(), d)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// receiver records every delivery; answer decides each one's status.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []delivery
	answer func(id, chat string, attempt int) int
	tries  map[string]int
}

type delivery struct {
	id, chat string
	status   int
	header   http.Header
	body     []byte
}

func newReceiver(t *testing.T, answer func(id, chat string, attempt int) int) *receiver {
	r := &receiver{answer: answer, tries: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		id := req.Header.Get("webhook-id")
		r.mu.Lock()
		r.tries[id]++
		st := r.answer(id, req.Header.Get("ce-subject"), r.tries[id])
		r.got = append(r.got, delivery{id: id, chat: req.Header.Get("ce-subject"), status: st, header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func (r *receiver) setAnswer(f func(id, chat string, attempt int) int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = f
}

// succeeded are the ids answered 2xx, in the order they were.
func (r *receiver) succeeded() []delivery {
	var out []delivery
	for _, d := range r.deliveries() {
		if d.status/100 == 2 {
			out = append(out, d)
		}
	}
	return out
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
