package outbox

import (
	"context"
	"github.com/wabridge/wabridge/events"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// A record that cannot be decoded is moved aside, and the entries around it
// are published in order: one bad record must not stall the outbox forever.
func TestUndecodableEntryIsMovedAside(t *testing.T) {
	s, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ob, err := New(db, natsbus.Subjects{})
	if err != nil {
		t.Fatal(err)
	}

	emit := func(key string) {
		if err := ob.Emit(ctx, connectedEvent(t, "default", key)); err != nil {
			t.Fatal(err)
		}
	}
	emit("before")
	if err := ob.commit("default", "corrupt", time.Now(), []byte(`{"subject": 42}`), nil); err != nil {
		t.Fatal(err)
	}
	emit("after")

	p := NewPublisher(ob, js, PublisherConfig{DurableAfter: DurableImmediately}, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	st, err := js.Stream(ctx, natsbus.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	for seq, key := range map[uint64]string{1: "before", 2: "after"} {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckPublished(m.Header, m.Data); err != nil {
			t.Errorf("seq %d: %v", seq, err)
		}
		if want := events.EventID("default", events.TypeSessionConnected, key); m.Header.Get(jetstream.MsgIDHeader) != want {
			t.Errorf("seq %d is not the %q event", seq, key)
		}
	}
	var dead int
	_ = db.View(func(tx *bolt.Tx) error {
		dead = tx.Bucket([]byte(bucketOutboxDead)).Stats().KeyN
		return nil
	})
	if dead != 1 {
		t.Fatalf("dead bucket holds %d entries, want 1", dead)
	}
}
