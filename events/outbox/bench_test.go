package outbox_test

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// BenchmarkEmit measures one durable Emit: CloudEvent construction and one
// bbolt commit with its fsync.
func BenchmarkEmit(b *testing.B) {
	_, ob := openOutbox(b, b.TempDir())
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkEmitNoSync is Emit without the fsync: the CPU and write cost of
// the path (entry, emitted ledger, the caller's writes), which the fsync of
// BenchmarkEmit hides on a slow disk.
func BenchmarkEmitNoSync(b *testing.B) {
	db, ob := openOutbox(b, b.TempDir())
	db.NoSync = true
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkPublish measures draining the outbox into JetStream (embedded
// server, file storage, in-process connection): read the stored wire
// form, publish with PubAck, batched deletes. Filling the outbox is not timed.
func BenchmarkPublish(b *testing.B) {
	s := startNATS(b, b.TempDir(), "")
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	db, ob := openOutbox(b, b.TempDir())
	// Filling with one transaction per event would dominate the run; the
	// shared file's NoSync is off again before anything is timed.
	db.NoSync = true
	ctx := context.Background()
	for i := range b.N {
		if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
			b.Fatal(err)
		}
	}
	db.NoSync = false
	p := newPublisher(ob, js, outbox.PublisherConfig{})
	b.ReportAllocs()
	b.ResetTimer()
	runPublisher(b, p)
	flush(b, p)
	b.StopTimer()
}

// BenchmarkEmitParallel is Emit from many sessions at once, where group
// commit lets them share fsyncs.
func BenchmarkEmitParallel(b *testing.B) {
	_, ob := openOutbox(b, b.TempDir())
	ctx := context.Background()
	b.SetParallelism(16)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if err := ob.Emit(ctx, sampleEvent("default", i)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
