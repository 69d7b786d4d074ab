package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// testDurableConfig keeps every wait of the tests short.
func testDurableConfig(s *server.Server) transport.DurableConfig {
	return transport.DurableConfig{
		Options:            []nats.Option{nats.InProcessServer(s)},
		Subjects:           subjects,
		Sessions:           []string{"default"},
		Timeout:            time.Second,
		MaxRetries:         2,
		RetryInterval:      time.Millisecond,
		RetryMaxInterval:   5 * time.Millisecond,
		AckWait:            8 * time.Second,
		RedeliveryDelay:    20 * time.Millisecond,
		RedeliveryMaxDelay: 100 * time.Millisecond,
		CloseTimeout:       5 * time.Second,
	}
}

// runDurable starts a consumer and returns a function that closes it and
// reports what Run returned.
func runDurable(t testing.TB, cfg transport.DurableConfig, ex transport.Executor, sink transport.ResultSink) (*transport.Durable, func() error) {
	t.Helper()
	d, err := transport.NewDurable(cfg, ex, sink, quietLog())
	if err != nil {
		t.Fatalf("NewDurable: %v", err)
	}
	ran := make(chan error, 1)
	go func() { ran <- d.Run(context.Background()) }()
	select {
	case <-d.Running():
	case err := <-ran:
		t.Fatalf("Run: %v", err)
	}
	stop := func() error {
		closeErr := d.Close()
		return errors.Join(closeErr, <-ran)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, stop
}

func publishCmd(t testing.TB, js jetstream.JetStream, subject string, cmd event.Event, mode cenats.Mode) {
	t.Helper()
	msg, err := cenats.NewMsg(subject, cmd, mode)
	if err != nil {
		t.Fatalf("encoding command: %v", err)
	}
	msg.Header.Set(nats.MsgIdHdr, cmd.ID())
	if _, err := js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatalf("publishing command: %v", err)
	}
}

// settled reports whether the durable consumer of session default has
// nothing pending and nothing unacked.
func settled(t testing.TB, js jetstream.JetStream) bool {
	t.Helper()
	return sessionSettled(t, js, "default")
}

func sessionSettled(t testing.TB, js jetstream.JetStream, session string) bool {
	t.Helper()
	info := consumerInfo(t, js, session)
	return info.NumPending == 0 && info.NumAckPending == 0 && info.Delivered.Stream > 0
}

func consumerInfo(t testing.TB, js jetstream.JetStream, session string) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := js.Consumer(context.Background(), natsbus.StreamCommands, transport.ConsumerName(transport.DefaultDurable, session))
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatalf("consumer info: %v", err)
	}
	return info
}

func poisoned(t testing.TB, js jetstream.JetStream) []*nats.RawStreamMsg {
	t.Helper()
	st, err := js.Stream(context.Background(), natsbus.StreamCommands)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter(subjects.Poison()))
	if err != nil {
		t.Fatal(err)
	}
	var out []*nats.RawStreamMsg
	for subj := range info.State.Subjects {
		m, err := st.GetLastMsgForSubject(context.Background(), subj)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &nats.RawStreamMsg{Subject: m.Subject, Header: m.Header, Data: m.Data})
	}
	return out
}

// TestDurableDispatchesAndAcks: a command is dispatched once and acked;
// its result is the dispatcher's to record, the transport puts nothing.
func TestDurableDispatchesAndAcks(t *testing.T) {
	for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			s := startServer(t)
			js := createCommandStream(t, connect(t, s))
			ex, sink := &fakeExecutor{}, &fakeSink{}
			_, stop := runDurable(t, testDurableConfig(s), ex, sink)

			publishCmd(t, js, "wa.default.cmd.send.message", command("c1"), mode)
			eventually(t, "consumer settled", func() bool { return settled(t, js) })
			if err := stop(); err != nil {
				t.Errorf("stopping: %v", err)
			}
			if got := ex.Calls(); len(got) != 1 || got[0] != (call{"default", "send.message", "c1"}) {
				t.Errorf("calls = %v", got)
			}
			if puts := sink.Puts(); len(puts) != 0 {
				t.Errorf("the transport recorded %d results; that is the dispatcher's job", len(puts))
			}
			if got := ex.Recorded(); len(got) != 1 || got[0].Extensions()[ident.ExtCausationID] != "c1" {
				t.Errorf("final results %v, want the one of c1", got)
			}
			if p := poisoned(t, js); len(p) != 0 {
				t.Errorf("poisoned %d messages", len(p))
			}
		})
	}
}

func TestDurableRejectsInvalidCloudEventOnce(t *testing.T) {
	s := startServer(t)
	nc := connect(t, s)
	js := createCommandStream(t, nc)
	ex, sink := &fakeExecutor{}, &fakeSink{}
	_, stop := runDurable(t, testDurableConfig(s), ex, sink)

	// A plain message, as an external publisher that forgot the ce-* headers
	// would send it.
	if _, err := js.Publish(context.Background(), "wa.default.cmd.send.message", []byte(`{"phone":"1"}`)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "consumer settled", func() bool { return settled(t, js) })
	if err := stop(); err != nil {
		t.Errorf("stopping: %v", err)
	}
	if n := len(ex.Calls()); n != 0 {
		t.Errorf("executor ran %d times", n)
	}
	puts := sink.Puts()
	if len(puts) != 1 {
		t.Fatalf("recorded %d results, want 1 rejection", len(puts))
	}
	if status, code := resultCode(t, puts[0].Event); status != http.StatusBadRequest || code != werr.CodeInvalidCloudEvent {
		t.Errorf("result = %d %s", status, code)
	}
	if p := poisoned(t, js); len(p) != 0 {
		t.Errorf("garbage was poisoned instead of rejected")
	}
}

// TestDurableRetries: a transient failure is redelivered by JetStream for
// as long as it lasts (longer than the in-process retries would take) and
// never poisoned; an internal error is first retried in-process. Either
// way the command ends with exactly one final result: the one that ended it.
func TestDurableRetries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int    // of the failing executions
		code       string // of the failing executions
		failures   int    // executions failing before success
		wantRuns   int
		wantStatus int // of the one final result
	}{
		{"not connected longer than the retries", http.StatusServiceUnavailable, werr.CodeNotConnected, 6, 7, http.StatusOK},
		{"rate limited", http.StatusTooManyRequests, werr.CodeRateLimited, 4, 5, http.StatusOK},
		{"upstream error", http.StatusBadGateway, werr.CodeUpstream, 4, 5, http.StatusOK},
		{"timeout", http.StatusGatewayTimeout, werr.CodeTimeout, 4, 5, http.StatusOK},
		{"internal error once", http.StatusInternalServerError, werr.CodeInternal, 1, 2, http.StatusOK},
		// MaxRetries 2: 1 + 2 runs in-process, then a redelivery.
		{"internal error beyond the retries", http.StatusInternalServerError, werr.CodeInternal, 4, 5, http.StatusOK},
		{"final failure", http.StatusBadRequest, werr.CodeInvalidRecipient, 100, 1, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			js := createCommandStream(t, connect(t, s))
			ex := &fakeExecutor{behave: func(_ context.Context, n int, _ event.Event) (int, string) {
				if n <= tc.failures {
					return tc.status, tc.code
				}
				return http.StatusOK, ""
			}}
			_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})

			publishCmd(t, js, "wa.default.cmd.send.message", command("c1"), cenats.Binary)
			eventually(t, "consumer settled", func() bool { return settled(t, js) })
			if err := stop(); err != nil {
				t.Errorf("stopping: %v", err)
			}
			if n := len(ex.Calls()); n != tc.wantRuns {
				t.Errorf("executed %d times, want %d", n, tc.wantRuns)
			}
			final := ex.Recorded()
			if len(final) != 1 {
				t.Fatalf("%d final results, want 1", len(final))
			}
			if status, code := resultCode(t, final[0]); status != tc.wantStatus {
				t.Errorf("ended with %d %s, want status %d", status, code, tc.wantStatus)
			}
			checkPoison(t, poisoned(t, js), false)
		})
	}
}

func checkPoison(t *testing.T, p []*nats.RawStreamMsg, want bool) {
	t.Helper()
	if !want {
		if len(p) != 0 {
			t.Errorf("poisoned %d", len(p))
		}
		return
	}
	if len(p) != 1 {
		t.Fatalf("poisoned %d messages, want 1", len(p))
	}
	if got := p[0].Header.Get("ce-id"); got != "c1" {
		t.Errorf("poisoned copy lost its ce-id: %v", p[0].Header)
	}
	if got := p[0].Header.Get(transport.MetaSubject); got != "wa.default.cmd.send.message" {
		t.Errorf("poisoned copy does not say where it came from: %v", p[0].Header)
	}
	if p[0].Header.Get("reason_poisoned") == "" {
		t.Errorf("poisoned copy has no reason: %v", p[0].Header)
	}
}

// TestDurableUnrecordedRejectionIsNotAcked: while the rejection of input
// that is no CloudEvent cannot be recorded, the input is neither acked nor
// poisoned; once the sink works again a redelivery records it and acks.
func TestDurableUnrecordedRejectionIsNotAcked(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	sink := &fakeSink{fail: true}
	_, stop := runDurable(t, testDurableConfig(s), &fakeExecutor{}, sink)

	if _, err := js.Publish(context.Background(), "wa.default.cmd.send.message", []byte("garbage")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "redelivered", func() bool { return consumerInfo(t, js, "default").NumRedelivered > 0 })
	if settled(t, js) {
		t.Fatal("acked without a recorded rejection")
	}
	if p := poisoned(t, js); len(p) != 0 {
		t.Fatal("poisoned for a failure of our own storage")
	}
	sink.SetFail(false)
	eventually(t, "recorded and acked", func() bool { return len(sink.Puts()) > 0 && settled(t, js) })
	if err := stop(); err != nil {
		t.Errorf("stopping: %v", err)
	}
}

// TestDurableCloseFinishesInFlight: a command running when Close begins
// ends with its result recorded, and it is acked, by this consumer or, if
// the ack was lost in the shutdown, by the next one after redelivery.
func TestDurableCloseFinishesInFlight(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	entered, release := make(chan struct{}), make(chan struct{})
	ex := &fakeExecutor{behave: func(_ context.Context, n int, _ event.Event) (int, string) {
		if n == 1 {
			close(entered)
			<-release
		}
		return http.StatusOK, ""
	}}
	sink := &fakeSink{}
	cfg := testDurableConfig(s)
	cfg.AckWait = 4 * time.Second
	_, stop := runDurable(t, cfg, ex, sink)

	publishCmd(t, js, "wa.default.cmd.send.message", command("c1"), cenats.Binary)
	wait(t, entered, "command started")
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Close returned (%v) while a command was running", err)
	default:
	}
	close(release)
	if err := wait(t, stopped, "stopped"); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(ex.Recorded()) != 1 {
		t.Fatalf("the in-flight command did not end with its result")
	}
	_, stop2 := runDurable(t, cfg, ex, sink)
	eventually(t, "consumer settled", func() bool { return settled(t, js) })
	if err := stop2(); err != nil {
		t.Errorf("stopping second consumer: %v", err)
	}
	if len(ex.Recorded()) != len(ex.Calls()) {
		t.Errorf("%d executions but %d results", len(ex.Calls()), len(ex.Recorded()))
	}
}

// TestDurableCloseTimeoutRedelivers: a command that outlives CloseTimeout
// is not acked; a new consumer gets it again.
func TestDurableCloseTimeoutRedelivers(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	entered := make(chan struct{})
	ex := &fakeExecutor{behave: func(ctx context.Context, n int, _ event.Event) (int, string) {
		if n == 1 {
			close(entered)
			<-ctx.Done() // stuck until the shutdown gives up on it
			return http.StatusGatewayTimeout, werr.CodeTimeout
		}
		return http.StatusOK, ""
	}}
	sink := &fakeSink{}
	cfg := testDurableConfig(s)
	cfg.CloseTimeout = 100 * time.Millisecond
	cfg.AckWait = 4 * time.Second
	_, stop := runDurable(t, cfg, ex, sink)

	publishCmd(t, js, "wa.default.cmd.send.message", command("c1"), cenats.Binary)
	wait(t, entered, "command started")
	if err := stop(); err == nil {
		t.Error("Close reported success although a command was cut off")
	}
	if p := poisoned(t, js); len(p) != 0 {
		t.Fatal("a command cut off by shutdown was poisoned")
	}
	_, stop2 := runDurable(t, cfg, ex, sink)
	// Had the cut-off command been acked, it would never come back.
	eventually(t, "redelivered and acked", func() bool { return len(ex.Calls()) == 2 && settled(t, js) })
	if err := stop2(); err != nil {
		t.Errorf("stopping second consumer: %v", err)
	}
	calls := ex.Calls()
	if len(calls) != 2 || calls[1].ID != "c1" {
		t.Errorf("calls = %v, want c1 twice", calls)
	}
	final := ex.Recorded()
	if status, _ := resultCode(t, final[len(final)-1]); status != http.StatusOK {
		t.Errorf("last recorded result has status %d", status)
	}
}

func TestDurableQueueGroupSharesWork(t *testing.T) {
	const commandsN = 40
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	sink := &fakeSink{}
	ex1, ex2 := &fakeExecutor{}, &fakeExecutor{}
	_, stop1 := runDurable(t, testDurableConfig(s), ex1, sink)
	_, stop2 := runDurable(t, testDurableConfig(s), ex2, sink)
	for i := range commandsN {
		publishCmd(t, js, "wa.default.cmd.send.message", command(fmt.Sprintf("c%d", i)), cenats.Binary)
	}
	eventually(t, "all executed", func() bool {
		return len(ex1.Recorded())+len(ex2.Recorded()) >= commandsN && settled(t, js)
	})
	if err := errors.Join(stop1(), stop2()); err != nil {
		t.Errorf("stopping: %v", err)
	}
	seen := map[string]int{}
	for _, c := range append(ex1.Calls(), ex2.Calls()...) {
		seen[c.ID]++
	}
	if len(seen) != commandsN {
		t.Errorf("%d distinct commands executed, want %d", len(seen), commandsN)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s executed %d times", id, n)
		}
	}
}

func TestDurableConfigValidate(t *testing.T) {
	s := startServer(t)
	base := testDurableConfig(s)
	for name, mutate := range map[string]func(*transport.DurableConfig){
		"no way to reach NATS":        func(c *transport.DurableConfig) { c.Options, c.URL = nil, "" },
		"AckWait within retry budget": func(c *transport.DurableConfig) { c.AckWait = c.Timeout },
		"negative concurrency":        func(c *transport.DurableConfig) { c.Concurrency = -1 },
		"no sessions":                 func(c *transport.DurableConfig) { c.Sessions = nil },
		"invalid session":             func(c *transport.DurableConfig) { c.Sessions = []string{"Not_A_Session"} },
		"session twice":               func(c *transport.DurableConfig) { c.Sessions = []string{"a", "a"} },
		"negative redelivery delay":   func(c *transport.DurableConfig) { c.RedeliveryMaxDelay = -time.Second },
	} {
		cfg := base
		mutate(&cfg)
		if _, err := transport.NewDurable(cfg, &fakeExecutor{}, &fakeSink{}, quietLog()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
