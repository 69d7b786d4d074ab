package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// startLimitedNATS starts an embedded server with the given max_payload and
// the streams, WA_EVENTS limited to streamMax bytes per message when > 0.
func startLimitedNATS(t *testing.T, maxPayload, streamMax int32) (*server.Server, jetstream.JetStream) {
	t.Helper()
	s, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: t.TempDir(), MaxPayload: maxPayload}, nil)
	if err != nil {
		t.Fatalf("starting nats: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	js := connectJS(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := natsbus.StreamsConfig{Prefix: subjects.Prefix}
	if err := natsbus.EnsureStreams(ctx, js, cfg); err != nil {
		t.Fatalf("ensuring streams: %v", err)
	}
	if streamMax > 0 {
		sc := cfg.StreamConfigs()[1]
		sc.MaxMsgSize = streamMax
		if _, err := js.UpdateStream(ctx, sc); err != nil {
			t.Fatalf("limiting %s: %v", sc.Name, err)
		}
	}
	return s, js
}

// bigEvent is sampleEvent(i) with a text of n bytes.
func bigEvent(i, n int) events.Event {
	e := sampleEvent("default", i)
	d := e.Data.(events.MessageReceived)
	d.Text = strings.Repeat("x", n)
	e.Data = d
	return e
}

// eventWithDataSize is bigEvent with a text that makes its JSON data n bytes.
func eventWithDataSize(t *testing.T, n int) events.Event {
	t.Helper()
	e := bigEvent(1, 1) // not empty: an empty text is left out
	raw, err := json.Marshal(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	e = bigEvent(1, n-len(raw)+1)
	if raw, _ = json.Marshal(e.Data); len(raw) != n {
		t.Fatalf("data is %d bytes, want %d", len(raw), n)
	}
	return e
}

func deadCount(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	err := db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte("outbox_dead")).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An entry the server refuses as too large is set aside; the entries after
// it (other sessions' too) are published, in order, instead of waiting
// behind it forever.
func TestTooLargeEntryIsDeadLetteredAndLaterOnesPublished(t *testing.T) {
	tests := []struct {
		name       string
		maxPayload int32 // server max_payload: the client refuses with nats.ErrMaxPayload
		streamMax  int32 // WA_EVENTS max_msg_size: JetStream answers with an API error
	}{
		{"server max_payload", 8 << 10, 0},
		{"stream max_msg_size", 0, 8 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, js := startLimitedNATS(t, tt.maxPayload, tt.streamMax)
			// The outbox's own limit is the default, above the server's:
			// a server reconfigured after the entry was stored looks like this.
			db, ob := openOutbox(t, t.TempDir())
			ctx := context.Background()
			want := map[string][]string{} // session -> ids in order
			for i := range 6 {
				e := sampleEvent([]string{"default", "shop-2"}[i%2], i)
				if i == 2 {
					e = bigEvent(i, 16<<10)
				}
				if err := ob.Emit(ctx, e); err != nil {
					t.Fatalf("Emit %d: %v", i, err)
				}
				if i != 2 {
					want[e.Session] = append(want[e.Session], events.EventID(e.Session, e.Type, e.Key))
				}
			}
			p := newPublisher(ob, js, outbox.PublisherConfig{RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
			runPublisher(t, p)
			flush(t, p)

			if got := idsBySession(t, streamMsgs(t, js)); !maps.EqualFunc(got, want, slices.Equal) {
				t.Errorf("stream holds %v, want %v (per session, in order)", got, want)
			}
			if n := deadCount(t, db); n != 1 {
				t.Fatalf("outbox_dead holds %d entries, want 1", n)
			}
		})
	}
}

func TestPutRejectsOversizedEvent(t *testing.T) {
	const limit = 4 << 10
	tests := []struct {
		name    string
		put     func(*testing.T, *outbox.Outbox) error
		tooBig  bool
		wantLen int
	}{
		{"small event", func(t *testing.T, ob *outbox.Outbox) error {
			return ob.Emit(context.Background(), bigEvent(1, 100))
		}, false, 1},
		{"event data above the limit", func(t *testing.T, ob *outbox.Outbox) error {
			return ob.Emit(context.Background(), bigEvent(1, limit))
		}, true, 0},
		{"headers and data together above the limit", func(t *testing.T, ob *outbox.Outbox) error {
			// The data alone fits; with attributes and Nats-Msg-Id it does not.
			return ob.Emit(context.Background(), eventWithDataSize(t, limit-50))
		}, true, 0},
		{"result above the limit", func(t *testing.T, ob *outbox.Outbox) error {
			res := resultEvent(t, "cmd-1")
			if err := res.SetData("application/json", map[string]string{"blob": strings.Repeat("y", limit)}); err != nil {
				t.Fatal(err)
			}
			return ob.Put(context.Background(), subjects.Result("default", "send.message"), res)
		}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			ob, err := outbox.New(db, subjects, outbox.WithMaxMessageBytes(limit))
			if err != nil {
				t.Fatal(err)
			}
			err = tt.put(t, ob)
			switch {
			case !tt.tooBig && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.tooBig && !errors.Is(err, outbox.ErrMessageTooLarge):
				t.Fatalf("err = %v, want ErrMessageTooLarge", err)
			case tt.tooBig && werr.KindOf(err) != werr.KindTooLarge:
				t.Fatalf("err kind = %v, want too large", werr.KindOf(err))
			}
			if n, err := ob.Len(); err != nil || n != tt.wantLen {
				t.Fatalf("Len = %d, %v; want %d", n, err, tt.wantLen)
			}
		})
	}
}

// stallingJetStream acknowledges the first okCount publishes, then blocks
// every later one until its context ends, like a process frozen mid-drain.
type stallingJetStream struct {
	jetstream.JetStream
	okCount int64
	n       atomic.Int64
	stalled chan struct{}
}

func (s *stallingJetStream) PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	if s.n.Add(1) <= s.okCount {
		return s.JetStream.PublishMsg(ctx, msg, opts...)
	}
	select {
	case s.stalled <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// Acknowledged entries are deleted in small chunks while the publisher
// works, so a crash leaves fewer than DeleteEvery of them to re-publish,
// not a whole read batch. Window 1: the stall is in PublishMsg.
func TestAckedEntriesAreDeletedInChunks(t *testing.T) {
	const total, ok, every = 100, 70, 16
	s := startNATS(t, t.TempDir(), "")
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	real, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	js := &stallingJetStream{JetStream: real, okCount: ok, stalled: make(chan struct{}, 1)}
	_, ob := openOutbox(t, t.TempDir())
	ctx := context.Background()
	for i := range total {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			t.Fatal(err)
		}
	}
	p := newPublisher(ob, js, outbox.PublisherConfig{Batch: 256, Window: 1, DeleteEvery: every, DeleteAfter: time.Hour, PublishTimeout: time.Hour})
	runPublisher(t, p)
	<-js.stalled

	n, err := ob.Len()
	if err != nil {
		t.Fatal(err)
	}
	if undeleted := n - (total - ok); undeleted < 0 || undeleted >= every {
		t.Fatalf("%d acknowledged entries still in the outbox while stalled, want fewer than %d", undeleted, every)
	}
	if got := len(streamMsgs(t, real)); got != ok {
		t.Fatalf("stream holds %d messages, want %d", got, ok)
	}
}
