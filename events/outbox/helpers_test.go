package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wabridge/wabridge/internal/store"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
)

var subjects = natsbus.Subjects{Prefix: "wa"}

// startNATS starts an embedded server with JetStream in storeDir on listen
// and makes sure the streams exist.
func startNATS(t testing.TB, storeDir, listen string) *server.Server {
	t.Helper()
	s, err := natsbus.StartServer(natsbus.ServerConfig{Listen: listen, StoreDir: storeDir}, nil)
	if err != nil {
		t.Fatalf("starting nats: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	js := connectJS(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{Prefix: subjects.Prefix}); err != nil {
		t.Fatalf("ensuring streams: %v", err)
	}
	return s
}

// connectTCP connects over TCP and keeps reconnecting, as a bridge would.
func connectTCP(t testing.TB, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func openOutbox(t testing.TB, dir string) (*store.DB, *outbox.Outbox) {
	t.Helper()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ob, err := outbox.New(db, subjects)
	if err != nil {
		t.Fatal(err)
	}
	return db, ob
}

// runPublisher runs p until the test ends and checks that Run ends cleanly.
func runPublisher(t testing.TB, p *outbox.Publisher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("publisher Run: %v", err)
		}
	})
}

func flush(t testing.TB, p *outbox.Publisher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// sampleEvent is the i-th of many distinct message.received events
// (events.NumberedSample).
func sampleEvent(session string, i int) events.Event { return events.NumberedSample(session, i) }

// streamMsgs reads every message of WA_EVENTS, in stream order, and fails
// the test for each that is not a valid CloudEvent of the catalog
// (outbox.CheckPublished): whatever the outbox publishes, a consumer must be able
// to read.
func streamMsgs(t testing.TB, js jetstream.JetStream) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, natsbus.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("reading seq %d: %v", seq, err)
		}
		if err := outbox.CheckPublished(m.Header, m.Data); err != nil {
			t.Errorf("stream seq %d on %s: %v", seq, m.Subject, err)
		}
		out = append(out, m)
	}
	return out
}

// connectJS connects in-process to s for the rest of the test.
func connectJS(t testing.TB, s *server.Server) jetstream.JetStream {
	t.Helper()
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// newPublisher is outbox.NewPublisher for tests that are not about when
// acknowledged entries become durable: they are deleted at their PubAck, so
// Flush need not wait out the stream's sync interval.
func newPublisher(ob *outbox.Outbox, js jetstream.JetStream, cfg outbox.PublisherConfig) *outbox.Publisher {
	if cfg.DurableAfter == 0 {
		cfg.DurableAfter = outbox.DurableImmediately
	}
	return outbox.NewPublisher(ob, js, cfg, nil)
}

// idsBySession is the Nats-Msg-Ids of msgs per session, in stream order.
func idsBySession(t testing.TB, msgs []*jetstream.RawStreamMsg) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range msgs {
		session, _, _, err := subjects.Parse(m.Subject)
		if err != nil {
			t.Fatal(err)
		}
		out[session] = append(out[session], m.Header.Get(jetstream.MsgIDHeader))
	}
	return out
}
