package outbox_test

import (
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// putKey is a write beside an outbox entry, as the raw message cache or an
// idempotency record would be.
func putKey(key string) store.Write {
	return func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("beside"))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), []byte("v"))
	}
}

func hasKey(t *testing.T, db *store.DB, key string) bool {
	t.Helper()
	var ok bool
	_ = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("beside"))
		ok = b != nil && b.Get([]byte(key)) != nil
		return nil
	})
	return ok
}

// An event (or result) emitted again after it was published, after a
// restart and after the stream's dedup window, is not stored again: the
// emitted ledger keeps it out of the outbox. The writes beside it are
// committed all the same.
func TestReEmittedEventIsNotPublishedAgain(t *testing.T) {
	s, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	js := connectJS(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A window of a second: the stream itself forgets the id at once.
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{Duplicates: time.Second}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, ob := openOutbox(t, dir)
	e := sampleEvent("default", 1)
	res := resultEvent(t, "cmd-1")
	resSubject := subjects.Result("default", "send.message")
	if err := ob.Emit(ctx, e, putKey("first")); err != nil {
		t.Fatal(err)
	}
	if err := ob.Put(ctx, resSubject, res); err != nil {
		t.Fatal(err)
	}
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	flush(t, p)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, ob = openOutbox(t, dir) // the process restarted
	if err := ob.Emit(ctx, e, putKey("second")); err != nil {
		t.Fatalf("Emit of an already emitted event: %v", err)
	}
	if err := ob.Put(ctx, resSubject, res); err != nil {
		t.Fatalf("Put of an already emitted result: %v", err)
	}
	if n, err := ob.Len(); err != nil || n != 0 {
		t.Fatalf("outbox Len after re-emitting = %d, %v; want 0", n, err)
	}
	if !hasKey(t, db, "second") {
		t.Fatal("the write beside the re-emitted event was not committed")
	}
	p = newPublisher(ob, js, outbox.PublisherConfig{})
	runPublisher(t, p)
	flush(t, p)
	if n := len(streamMsgs(t, js)); n != 2 {
		t.Fatalf("stream holds %d messages, want 2 (one event, one result)", n)
	}
}
