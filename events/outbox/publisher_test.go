package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/cenats"
)

func TestPublisherDeliversInOrder(t *testing.T) {
	tests := []struct {
		name string
		mode cenats.Mode
	}{
		{"binary", cenats.Binary},
		{"structured", cenats.Structured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startNATS(t, t.TempDir(), "")
			js := connectJS(t, s)
			_, ob := openOutbox(t, t.TempDir())
			p := newPublisher(ob, js, outbox.PublisherConfig{Mode: tt.mode, Batch: 7})
			runPublisher(t, p)

			ctx := context.Background()
			type want struct{ subject, id, typ string }
			var wants []want
			for i := range 40 {
				session := []string{"default", "shop-2"}[i%2]
				e := sampleEvent(session, i)
				if err := ob.Emit(ctx, e); err != nil {
					t.Fatalf("Emit %d: %v", i, err)
				}
				wants = append(wants, want{subjects.Event(session, e.Subject, "message.received"), events.EventID(session, e.Type, e.Key), e.Type})
				if i%10 == 9 { // results share the outbox and its order
					res := resultEvent(t, fmt.Sprintf("cmd-%d", i))
					subj := subjects.Result("default", "send.message")
					if err := ob.Put(ctx, subj, res); err != nil {
						t.Fatalf("Put: %v", err)
					}
					wants = append(wants, want{subj, res.ID(), res.Type()})
				}
			}
			flush(t, p)
			if n, err := ob.Unpublished(); err != nil || n != 0 {
				t.Fatalf("outbox Unpublished after flush = %d, %v", n, err)
			}

			// Order holds per session: each session's queue is its own lane.
			bySession := map[string][]want{}
			for _, w := range wants {
				session, _, _, _ := subjects.Parse(w.subject)
				bySession[session] = append(bySession[session], w)
			}
			msgs := streamMsgs(t, js)
			if len(msgs) != len(wants) {
				t.Fatalf("stream holds %d messages, want %d", len(msgs), len(wants))
			}
			next := map[string]int{}
			for i, m := range msgs {
				session, _, _, err := subjects.Parse(m.Subject)
				if err != nil {
					t.Fatal(err)
				}
				w := bySession[session][next[session]]
				next[session]++
				if m.Subject != w.subject {
					t.Errorf("msg %d subject %s, want %s", i, m.Subject, w.subject)
				}
				if got := m.Header.Get(jetstream.MsgIDHeader); got != w.id {
					t.Errorf("msg %d Nats-Msg-Id %q, want %q", i, got, w.id)
				}
				if tt.mode == cenats.Binary && m.Header.Get("ce-id") != w.id {
					t.Errorf("msg %d ce-id %q, want %q", i, m.Header.Get("ce-id"), w.id)
				}
				ce, err := cenats.Decode(m.Header, m.Data)
				if err != nil {
					t.Fatalf("msg %d does not decode: %v", i, err)
				}
				if ce.ID() != w.id || ce.Type() != w.typ {
					t.Errorf("msg %d is %s %s, want %s %s", i, ce.Type(), ce.ID(), w.typ, w.id)
				}
			}
		})
	}
}

func resultEvent(t testing.TB, causation string) event.Event {
	t.Helper()
	ce := event.New()
	ce.SetID("res-" + causation)
	ce.SetSource(events.Source("default"))
	ce.SetType("io.wabridge.command.send.message.result")
	ce.SetTime(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	ce.SetExtension("causationid", causation)
	if err := ce.SetData(event.ApplicationJSON, map[string]any{"status": 200, "message": "Success"}); err != nil {
		t.Fatal(err)
	}
	return ce
}

// Emit must not depend on NATS: with the server down events pile up durably,
// and a server restarted on the same store gets each of them exactly once.
func TestPublisherSurvivesServerRestart(t *testing.T) {
	storeDir := t.TempDir()
	first := startNATS(t, storeDir, "127.0.0.1:-1")
	addr := first.Addr().String()
	js := connectTCP(t, first.ClientURL())
	_, ob := openOutbox(t, t.TempDir())
	p := newPublisher(ob, js, outbox.PublisherConfig{RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond, PublishTimeout: time.Second})

	ctx := context.Background()
	if err := ob.Emit(ctx, sampleEvent("default", 0)); err != nil {
		t.Fatal(err)
	}
	runPublisher(t, p)
	flush(t, p)

	first.Shutdown()
	first.WaitForShutdown()
	const n = 25
	for i := 1; i <= n; i++ {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			t.Fatalf("Emit with NATS down: %v", err)
		}
	}
	if got, err := ob.Unpublished(); err != nil || got != n {
		t.Fatalf("outbox Unpublished with NATS down = %d, %v; want %d", got, err, n)
	}

	startNATS(t, storeDir, addr)
	flush(t, p)
	msgs := streamMsgs(t, js)
	if len(msgs) != n+1 {
		t.Fatalf("stream holds %d messages, want %d", len(msgs), n+1)
	}
	for i, m := range msgs {
		e := sampleEvent("default", i)
		if want := events.EventID(e.Session, e.Type, e.Key); m.Header.Get(jetstream.MsgIDHeader) != want {
			t.Errorf("seq %d holds %s, want %s (order or duplicates broken)", m.Sequence, m.Header.Get(jetstream.MsgIDHeader), want)
		}
	}
}

// An entry published but not deleted (a crash between PubAck and delete) is
// published again; Nats-Msg-Id keeps the stream at one copy.
func TestRepublishedEntryIsStoredOnce(t *testing.T) {
	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	_, ob := openOutbox(t, t.TempDir())
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p)

	ctx := context.Background()
	e := sampleEvent("default", 1)
	res := resultEvent(t, "cmd-1")
	for range 3 {
		if err := ob.Emit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := ob.Put(ctx, subjects.Result("default", "send.message"), res); err != nil {
			t.Fatal(err)
		}
		flush(t, p)
	}
	msgs := streamMsgs(t, js)
	if len(msgs) != 2 {
		t.Fatalf("stream holds %d messages, want 2 (one event, one result)", len(msgs))
	}
}

// The outbox outlives the process: entries are in the bbolt file.
func TestOutboxSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db, ob := openOutbox(t, dir)
	ctx := context.Background()
	for i := range 5 {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, ob = openOutbox(t, dir)
	if n, err := ob.Len(); err != nil || n != 5 {
		t.Fatalf("Len after reopen = %d, %v; want 5", n, err)
	}

	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p) // no Emit wakes it: the entries are found on its first pass
	flush(t, p)
	msgs := streamMsgs(t, js)
	if len(msgs) != 5 {
		t.Fatalf("stream holds %d messages, want 5", len(msgs))
	}
	for i, m := range msgs {
		e := sampleEvent("default", i)
		if m.Header.Get(jetstream.MsgIDHeader) != events.EventID(e.Session, e.Type, e.Key) {
			t.Errorf("message %d out of order", i)
		}
	}
}

func TestPublisherRunsOnce(t *testing.T) {
	_, ob := openOutbox(t, t.TempDir())
	p := newPublisher(ob, nil, outbox.PublisherConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 2)
	for range 2 {
		go func() { errc <- p.Run(ctx) }()
	}
	// Whichever started second is refused at once; the other runs until cancelled.
	if err := <-errc; err == nil {
		t.Fatal("two publishers ran on one outbox")
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("the running publisher ended with %v", err)
	}
}

// Flush (shutdown) does not wait out a long back-off: once NATS is back, the
// next attempt is made at once.
func TestFlushCutsBackoffShort(t *testing.T) {
	storeDir := t.TempDir()
	first := startNATS(t, storeDir, "127.0.0.1:-1")
	addr := first.Addr().String()
	js := connectTCP(t, first.ClientURL())
	_, ob := openOutbox(t, t.TempDir())
	// After the first failure the publisher would sleep an hour.
	p := newPublisher(ob, js, outbox.PublisherConfig{RetryMin: time.Hour, RetryMax: time.Hour, PublishTimeout: 500 * time.Millisecond})
	first.Shutdown()
	first.WaitForShutdown()
	if err := ob.Emit(context.Background(), sampleEvent("default", 0)); err != nil {
		t.Fatal(err)
	}
	runPublisher(t, p) // its first pass fails: NATS is down

	startNATS(t, storeDir, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		err := p.Flush(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("flush waited out the back-off: %v", err)
		}
	}
	if n := len(streamMsgs(t, js)); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
}

// Flush returns once JetStream acknowledged every entry, not after their
// DurableAfter (an external server's sync interval is longer than a
// shutdown budget); they stay in the outbox until durable.
func TestFlushDoesNotWaitOutDurableAfter(t *testing.T) {
	s := startNATS(t, t.TempDir(), "")
	js := connectJS(t, s)
	_, ob := openOutbox(t, t.TempDir())
	p := outbox.NewPublisher(ob, js, outbox.PublisherConfig{DurableAfter: time.Hour}, nil)
	runPublisher(t, p)
	for i := range 3 {
		if err := ob.Emit(context.Background(), sampleEvent("default", i)); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, p)
	if n := len(streamMsgs(t, js)); n != 3 {
		t.Fatalf("stream holds %d messages, want 3", n)
	}
	if n, err := ob.Unpublished(); err != nil || n != 0 {
		t.Fatalf("Unpublished after flush = %d, %v; want 0", n, err)
	}
	if n, err := ob.Len(); err != nil || n != 3 {
		t.Fatalf("Len after flush = %d, %v; want 3 (kept until durable)", n, err)
	}
}
