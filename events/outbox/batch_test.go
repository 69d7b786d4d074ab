package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/store"
)

// A batch is stored in order with its writes; a second batch of the same
// events (a repeated history sync) and a duplicate inside a batch add nothing.
func TestEmitAllStoresOnceInOrderWithItsWrites(t *testing.T) {
	db, ob := openOutbox(t, t.TempDir())
	ctx := context.Background()
	var batch []events.Event
	for i := range 40 {
		batch = append(batch, sampleEvent("s1", i))
	}
	batch = append(batch, sampleEvent("s1", 3)) // the same message again
	mark := func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("batch_test"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}
	if err := ob.EmitAll(ctx, batch, mark); err != nil {
		t.Fatal(err)
	}
	if err := ob.EmitAll(ctx, batch[:10]); err != nil {
		t.Fatal(err)
	}
	if n, err := ob.Len(); err != nil || n != 40 {
		t.Fatalf("Len = %d, %v; want 40", n, err)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("batch_test")); b == nil || string(b.Get([]byte("k"))) != "v" {
			return errors.New("the also write was not committed")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	js := connectJS(t, startNATS(t, t.TempDir(), ""))
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p)
	flush(t, p)
	msgs := streamMsgs(t, js)
	if len(msgs) != 40 {
		t.Fatalf("stream holds %d messages, want 40", len(msgs))
	}
	for i, m := range msgs {
		e := sampleEvent("s1", i)
		if got := m.Header.Get(jetstream.MsgIDHeader); got != events.EventID("s1", e.Type, e.Key) {
			t.Fatalf("message %d is %s, want event %d", i, got, i)
		}
	}
}

// One event that can never be published fails the whole batch: nothing of
// it, not even its writes, is kept.
func TestEmitAllIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ob, err := outbox.New(db, subjects, outbox.WithMaxMessageBytes(4096))
	if err != nil {
		t.Fatal(err)
	}
	big := sampleEvent("s1", 1)
	msg := big.Data.(events.MessageReceived)
	msg.Text = strings.Repeat("x", 8192)
	big.Data = msg
	wrote := false
	w := func(*bolt.Tx) error { wrote = true; return nil }
	err = ob.EmitAll(context.Background(), []events.Event{sampleEvent("s1", 0), big}, w)
	if !errors.Is(err, outbox.ErrMessageTooLarge) {
		t.Fatalf("EmitAll = %v, want ErrMessageTooLarge", err)
	}
	if n, _ := ob.Len(); n != 0 || wrote {
		t.Fatalf("after a failed batch: Len %d, writes ran %v; want nothing", n, wrote)
	}
	// The good event was not marked emitted: it can be stored later.
	if err := ob.Emit(context.Background(), sampleEvent("s1", 0)); err != nil {
		t.Fatal(err)
	}
	if n, _ := ob.Len(); n != 1 {
		t.Fatalf("Len = %d, want 1", n)
	}
}

// BenchmarkEmitAllBlob is one history sync blob of 200 messages (the
// sandbox's blobs) and of 1000; building the events is not timed.
func BenchmarkEmitAllBlob(b *testing.B) {
	for _, size := range []int{200, 1000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			_, ob := openOutbox(b, b.TempDir())
			ctx := context.Background()
			for n := 0; b.Loop(); n++ {
				b.StopTimer()
				batch := make([]events.Event, size)
				for i := range batch {
					batch[i] = sampleEvent("s1", n*size+i)
				}
				b.StartTimer()
				if err := ob.EmitAll(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*size), "µs/event")
		})
	}
}
