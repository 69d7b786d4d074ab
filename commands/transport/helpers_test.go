package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/wabridge/wabridge/internal/store"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

var subjects = natsbus.Subjects{Prefix: "wa"}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startServer runs an embedded JetStream server on a random loopback port.
func startServer(t testing.TB) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		JetStream: true, StoreDir: t.TempDir(), Port: -1, Host: "127.0.0.1", NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatalf("creating nats server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

func connect(t testing.TB, s *server.Server) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect("", nats.InProcessServer(s))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// createCommandStream creates WA_COMMANDS as CONTRACT §4 describes it.
func createCommandStream(t testing.TB, nc *nats.Conn) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	_, err = js.CreateStream(context.Background(), jetstream.StreamConfig{
		Name:     natsbus.StreamCommands,
		Subjects: []string{subjects.All("cmd"), subjects.Poison()},
	})
	if err != nil {
		t.Fatalf("creating stream: %v", err)
	}
	return js
}

// command builds a valid send.message command.
func command(id string) event.Event {
	e := event.New()
	e.SetID(id)
	e.SetSource("/test")
	e.SetType(commands.TypeOf("send.message"))
	if err := e.SetData(event.ApplicationJSON, map[string]string{"phone": "4917612345678", "message": "hi"}); err != nil {
		panic(err)
	}
	return e
}

// call is one Dispatch the fake saw.
type call struct {
	Session, Name, ID string
}

// fakeExecutor records calls and answers with behave (success by default).
// Like the dispatcher it keeps every final result (its audit trail, see
// Recorded) and, for a durable call older than lifetime (when set), answers
// a final EXPIRED without running the command.
type fakeExecutor struct {
	behave   func(ctx context.Context, n int, cmd event.Event) (status int, code string)
	lifetime time.Duration

	mu       sync.Mutex
	calls    []call
	full     []commands.Call
	recorded []event.Event
	running  int
	peak     int
}

var _ transport.Executor = (*fakeExecutor)(nil)

func (f *fakeExecutor) Dispatch(ctx context.Context, c commands.Call) commands.Result {
	f.mu.Lock()
	f.calls = append(f.calls, call{c.Session, c.Name, c.Cmd.ID()})
	f.full = append(f.full, c)
	n := len(f.calls)
	f.running++
	f.peak = max(f.peak, f.running)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.running--; f.mu.Unlock() }()

	status, code := http.StatusOK, ""
	switch {
	case c.Durable && f.lifetime > 0 && time.Since(c.Published) > f.lifetime:
		status, code = werr.KindExpired.Status(), werr.CodeExpired
	case f.behave != nil:
		status, code = f.behave(ctx, n, c.Cmd)
	}
	ev := resultEvent(c.Session, c.Name, c.Cmd.ID(), status, code)
	// As werr.Kind.Retryable: 429 and the 5xx kinds.
	res := commands.Result{Event: ev, Retryable: status >= 500 || status == http.StatusTooManyRequests}
	if !res.Retryable {
		f.mu.Lock()
		f.recorded = append(f.recorded, ev)
		f.mu.Unlock()
	}
	return res
}

func (f *fakeExecutor) Reject(session, name string, err error) event.Event {
	we := werr.From(err)
	return resultEvent(session, name, "", we.Status(), we.Code)
}

func (f *fakeExecutor) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// FullCalls are the calls as the transport made them.
func (f *fakeExecutor) FullCalls() []commands.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]commands.Call(nil), f.full...)
}

// Recorded are the final results, as the dispatcher would have written
// them to the audit trail.
func (f *fakeExecutor) Recorded() []event.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]event.Event(nil), f.recorded...)
}

func (f *fakeExecutor) Peak() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peak
}

func resultEvent(session, name, causation string, status int, code string) event.Event {
	ev := event.New()
	ev.SetID("result-" + causation)
	ev.SetSource("/wabridge/" + session)
	ev.SetType(commands.ResultTypeOf(name))
	if causation != "" {
		ev.SetExtension(ident.ExtCausationID, causation)
	}
	rd := commands.ResultData{Status: status, Code: code, Message: "Success"}
	if code != "" {
		rd.Message = "failed"
	}
	if err := ev.SetData(event.ApplicationJSON, rd); err != nil {
		panic(err)
	}
	return ev
}

// recorded is one Put the fake sink saw.
type recorded struct {
	Subject string
	Event   event.Event
}

// fakeSink keeps results in memory; fail, when set, makes Put fail.
type fakeSink struct {
	mu   sync.Mutex
	puts []recorded
	fail bool
}

var _ transport.ResultSink = (*fakeSink)(nil)

func (f *fakeSink) Put(_ context.Context, subject string, ce event.Event, _ ...store.Write) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk full")
	}
	f.puts = append(f.puts, recorded{subject, ce})
	return nil
}

func (f *fakeSink) SetFail(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *fakeSink) Puts() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.puts...)
}

// resultCode returns status and code of a result event.
func resultCode(t testing.TB, ev event.Event) (int, string) {
	t.Helper()
	var rd commands.ResultData
	if err := json.Unmarshal(ev.Data(), &rd); err != nil {
		t.Fatalf("result data %q: %v", ev.Data(), err)
	}
	return rd.Status, rd.Code
}

// eventually polls cond until it holds; the generous deadline only stops a
// broken test, it measures nothing.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait blocks until ch is closed or yields; the deadline only stops a
// broken test.
func wait[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("gave up waiting: %s", what)
		panic("unreachable")
	}
}
