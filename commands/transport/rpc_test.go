package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

func startRPC(t testing.TB, nc *nats.Conn, ex transport.Executor, sink transport.ResultSink, cfg transport.RPCConfig) *transport.RPCServer {
	t.Helper()
	cfg.Subjects = subjects
	if cfg.Sessions == nil {
		cfg.Sessions = []string{"default", "s1"}
	}
	srv, err := transport.NewRPCServer(nc, ex, sink, cfg, quietLog())
	if err != nil {
		t.Fatalf("NewRPCServer: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

func request(t testing.TB, nc *nats.Conn, subject string, cmd event.Event, mode cenats.Mode) event.Event {
	t.Helper()
	msg, err := cenats.NewMsg(subject, cmd, mode)
	if err != nil {
		t.Fatalf("encoding command: %v", err)
	}
	return requestMsg(t, nc, msg)
}

func requestMsg(t testing.TB, nc *nats.Conn, msg *nats.Msg) event.Event {
	t.Helper()
	reply, err := nc.RequestMsg(msg, 10*time.Second)
	if err != nil {
		t.Fatalf("request to %s: %v", msg.Subject, err)
	}
	res, err := cenats.Decode(reply.Header, reply.Data)
	if err != nil {
		t.Fatalf("decoding reply: %v", err)
	}
	return res
}

// TestRPCAnswers: the reply is the dispatcher's result (which the
// dispatcher records); the transport records nothing of its own.
func TestRPCAnswers(t *testing.T) {
	for _, tc := range []struct {
		name             string
		reqMode, repMode cenats.Mode
	}{
		{"binary", cenats.Binary, cenats.Binary},
		{"structured request, binary reply", cenats.Structured, cenats.Binary},
		{"structured", cenats.Structured, cenats.Structured},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := connect(t, startServer(t))
			ex, sink := &fakeExecutor{}, &fakeSink{}
			startRPC(t, nc, ex, sink, transport.RPCConfig{Mode: tc.repMode})

			sub, err := nc.SubscribeSync(nats.NewInbox())
			if err != nil {
				t.Fatal(err)
			}
			msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), tc.reqMode)
			if err != nil {
				t.Fatal(err)
			}
			msg.Reply = sub.Subject
			if err := nc.PublishMsg(msg); err != nil {
				t.Fatal(err)
			}
			reply, err := sub.NextMsg(10 * time.Second)
			if err != nil {
				t.Fatalf("waiting for reply: %v", err)
			}
			if got := isStructured(reply); got != (tc.repMode == cenats.Structured) {
				t.Errorf("reply structured = %v, want %v", got, tc.repMode == cenats.Structured)
			}
			res, err := cenats.Decode(reply.Header, reply.Data)
			if err != nil {
				t.Fatalf("decoding reply: %v", err)
			}
			if got := res.Extensions()[ident.ExtCausationID]; got != "c1" {
				t.Errorf("causationid = %v, want c1", got)
			}
			if status, _ := resultCode(t, res); status != http.StatusOK {
				t.Errorf("status = %d, want 200", status)
			}
			if got, want := ex.Calls(), []call{{"default", "send.message", "c1"}}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("calls = %v, want %v", got, want)
			}
			if puts := sink.Puts(); len(puts) != 0 {
				t.Errorf("the transport recorded %d results; that is the dispatcher's job", len(puts))
			}
		})
	}
}

func isStructured(m *nats.Msg) bool {
	return m.Header.Get("Content-Type") == cenats.ContentTypeStructured
}

func TestRPCRejectsMalformedInput(t *testing.T) {
	nc := connect(t, startServer(t))
	ex, sink := &fakeExecutor{}, &fakeSink{}
	startRPC(t, nc, ex, sink, transport.RPCConfig{})
	valid, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	noSpec := &nats.Msg{Subject: valid.Subject, Header: nats.Header{}, Data: valid.Data}
	for k, v := range valid.Header {
		if k != "ce-specversion" {
			noSpec.Header[k] = v
		}
	}
	for _, tc := range []struct {
		name string
		msg  *nats.Msg
	}{
		{"missing ce-specversion", noSpec},
		{"structured bad JSON", &nats.Msg{Subject: valid.Subject,
			Header: nats.Header{"Content-Type": {cenats.ContentTypeStructured}}, Data: []byte(`{"id":`)}},
		{"no headers at all", &nats.Msg{Subject: valid.Subject, Data: []byte("hello")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sink.Puts())
			res := requestMsg(t, nc, tc.msg)
			if status, code := resultCode(t, res); status != http.StatusBadRequest || code != werr.CodeInvalidCloudEvent {
				t.Errorf("result = %d %s, want 400 %s", status, code, werr.CodeInvalidCloudEvent)
			}
			if puts := sink.Puts(); len(puts) != before+1 || puts[before].Subject != "wa.default.result.send.message" {
				t.Errorf("the rejection was not recorded on the result subject: %+v", puts[before:])
			}
		})
	}
	if n := len(ex.Calls()); n != 0 {
		t.Errorf("executor ran %d times for malformed input", n)
	}
	// The server is still fine.
	res := request(t, nc, valid.Subject, command("c2"), cenats.Binary)
	if status, _ := resultCode(t, res); status != http.StatusOK {
		t.Errorf("valid request after malformed ones: status %d", status)
	}
}

// TestRPCFailedRecordingIsNotReportedAsSuccess: a rejection that could
// not be recorded is answered as the internal error it is.
func TestRPCFailedRecordingIsNotReportedAsSuccess(t *testing.T) {
	nc := connect(t, startServer(t))
	ex, sink := &fakeExecutor{}, &fakeSink{fail: true}
	startRPC(t, nc, ex, sink, transport.RPCConfig{})
	res := requestMsg(t, nc, &nats.Msg{Subject: subjects.RPC("default", "send.message"), Data: []byte("garbage")})
	if status, code := resultCode(t, res); status != http.StatusInternalServerError || code != werr.CodeInternal {
		t.Errorf("result = %d %s, want 500 %s", status, code, werr.CodeInternal)
	}
}

func TestRPCWithoutReplySubjectStillRuns(t *testing.T) {
	nc := connect(t, startServer(t))
	ex := &fakeExecutor{}
	startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{})
	msg, err := cenats.NewMsg(subjects.RPC("s1", "send.message"), command("c1"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	eventually(t, "dispatched", func() bool { return len(ex.Calls()) == 1 })
	if got := ex.Calls()[0]; got != (call{"s1", "send.message", "c1"}) {
		t.Errorf("dispatched %+v", got)
	}
}

// TestRPCConcurrentRequests: many requests at once are each answered,
// with their own result or BUSY, and never more run at once than the
// session's slots.
func TestRPCConcurrentRequests(t *testing.T) {
	const requests, limit = 100, 8
	nc := connect(t, startServer(t))
	ex := &fakeExecutor{}
	startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{MaxConcurrent: limit})

	errs := make(chan error, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			id := fmt.Sprintf("c%d", i)
			msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command(id), cenats.Binary)
			if err != nil {
				errs <- err
				return
			}
			reply, err := nc.RequestMsg(msg, 20*time.Second)
			if err != nil {
				errs <- fmt.Errorf("%s: %w", id, err)
				return
			}
			res, err := cenats.Decode(reply.Header, reply.Data)
			if err != nil {
				errs <- err
				return
			}
			if _, code := resultCode(t, res); code == werr.CodeBusy {
				return
			}
			if got := res.Extensions()[ident.ExtCausationID]; got != id {
				errs <- fmt.Errorf("request %s answered with the result of %v", id, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p := ex.Peak(); p > limit {
		t.Errorf("peak concurrency %d, above MaxConcurrent %d", p, limit)
	}
}

func TestRPCQueueGroupAnswersOnce(t *testing.T) {
	const requests = 60
	s := startServer(t)
	client := connect(t, s)
	sink := &fakeSink{}
	ex1, ex2 := &fakeExecutor{}, &fakeExecutor{}
	srv1 := startRPC(t, connect(t, s), ex1, sink, transport.RPCConfig{})
	srv2 := startRPC(t, connect(t, s), ex2, sink, transport.RPCConfig{})

	for i := range requests {
		request(t, client, subjects.RPC("default", "send.message"), command(fmt.Sprintf("c%d", i)), cenats.Binary)
	}
	// After draining both, no late duplicate can still be on its way.
	for _, srv := range []*transport.RPCServer{srv1, srv2} {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	}
	seen := map[string]int{}
	for _, c := range append(ex1.Calls(), ex2.Calls()...) {
		seen[c.ID]++
	}
	for i := range requests {
		if n := seen[fmt.Sprintf("c%d", i)]; n != 1 {
			t.Errorf("c%d executed %d times, want 1", i, n)
		}
	}
	if len(ex1.Calls()) == 0 || len(ex2.Calls()) == 0 {
		t.Errorf("work not shared: %d and %d", len(ex1.Calls()), len(ex2.Calls()))
	}
}

func TestRPCShutdownDrainsInFlight(t *testing.T) {
	nc := connect(t, startServer(t))
	entered, release := make(chan struct{}), make(chan struct{})
	ex := &fakeExecutor{behave: func(ctx context.Context, _ int, _ event.Event) (int, string) {
		close(entered)
		<-release
		return http.StatusOK, ""
	}}
	sink := &fakeSink{}
	srv := startRPC(t, nc, ex, sink, transport.RPCConfig{})

	msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	replied := make(chan *nats.Msg, 1)
	go func() {
		reply, _ := nc.RequestMsg(msg, 20*time.Second)
		replied <- reply // nil on failure
	}()
	wait(t, entered, "command started")
	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) while a command was running", err)
	default:
	}
	close(release)
	if err := wait(t, stopped, "stopped"); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	reply := wait(t, replied, "reply")
	if reply == nil {
		t.Fatal("the in-flight request got no reply")
	}
	res, err := cenats.Decode(reply.Header, reply.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Extensions()[ident.ExtCausationID]; got != "c1" {
		t.Errorf("in-flight request answered with %v", got)
	}
	if len(ex.Recorded()) != 1 {
		t.Errorf("in-flight command did not end")
	}
	msg, err = cenats.NewMsg(subjects.RPC("default", "send.message"), command("c2"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nc.RequestMsg(msg, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("request after Shutdown: %v, want no responders", err)
	}
}

func TestRPCShutdownDeadlineCancelsCommands(t *testing.T) {
	nc := connect(t, startServer(t))
	entered, sawCancel := make(chan struct{}), make(chan struct{})
	ex := &fakeExecutor{behave: func(ctx context.Context, _ int, _ event.Event) (int, string) {
		close(entered)
		<-ctx.Done()
		close(sawCancel)
		return http.StatusGatewayTimeout, werr.CodeTimeout
	}}
	srv := startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{})
	msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	wait(t, entered, "command started")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown with an ended context: %v, want context.Canceled", err)
	}
	wait(t, sawCancel, "command cancelled")
}

func TestRPCConfigValidate(t *testing.T) {
	nc := connect(t, startServer(t))
	ok := []string{"default"}
	for _, cfg := range []transport.RPCConfig{
		{Sessions: ok, MaxConcurrent: -1},
		{Sessions: ok, Timeout: -time.Second},
		{},
		{Sessions: []string{"Not_A_Session"}},
		{Sessions: []string{"a", "a"}},
	} {
		if _, err := transport.NewRPCServer(nc, &fakeExecutor{}, &fakeSink{}, cfg, quietLog()); err == nil {
			t.Errorf("NewRPCServer(%+v) accepted an invalid config", cfg)
		}
	}
}
