package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// historyPathMessages is the history each iteration of BenchmarkHistorySync
// syncs: a fifth of issue 6's target, so a -cpuprofile run stays short.
const historyPathMessages = 10_000

// BenchmarkHistorySync is the history sync path of the binary, in one
// process so that `go test -cpuprofile` sees it: the sandbox's phone pushes
// historyPathMessages past messages (blobs of 200 over 5 chats) to a
// session whose sink is the real outbox, on bbolt in a temp dir, with an
// embedded nats-server. "kept" times PushHistory alone (translation, the
// outbox's encoding, one commit per blob) with no publisher running; "on
// stream" runs the publisher meanwhile and also waits until the outbox is
// drained into WA_EVENTS. Login and setup are not timed. cpu-ns/message is
// the CPU the whole process (the embedded server too) spent per message:
// the figure to compare on a busy machine.
func BenchmarkHistorySync(b *testing.B) {
	b.Run("kept", func(b *testing.B) { benchHistory(b, false) })
	b.Run("on stream", func(b *testing.B) { benchHistory(b, true) })
}

func benchHistory(b *testing.B, publish bool) {
	ctx := context.Background()
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		h := newHistoryPath(b, publish)
		b.StartTimer()
		cpu -= cpuTime()
		if err := h.network.PushHistory(ctx, sessionHistory, historyPathMessages, 0); err != nil {
			b.Fatal(err)
		}
		if publish {
			flushCtx, cancel := context.WithTimeout(ctx, time.Minute)
			err := h.pub.Flush(flushCtx)
			cancel()
			if err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime()
		b.StopTimer()
		h.close()
		b.StartTimer()
	}
	messages := float64(historyPathMessages * b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/messages, "ns/message")
	b.ReportMetric(float64(cpu.Nanoseconds())/messages, "cpu-ns/message")
}

// historyPath is one logged-in sandbox session over a fresh outbox.
type historyPath struct {
	dir     string
	db      *store.DB
	network *sandbox.Network
	pub     *outbox.Publisher
	close   func()
}

func newHistoryPath(b testing.TB, publish bool) *historyPath {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	var subjects natsbus.Subjects
	ob, err := outbox.New(db, subjects)
	if err != nil {
		b.Fatal(err)
	}
	devices, err := bridge.OpenDeviceStore(ctx, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	network := sandbox.NewNetwork(sandbox.Config{Log: log})
	mgr, err := bridge.NewManager(bridge.ManagerConfig{Devices: devices, DB: db, Sink: ob, NewClient: network.Factory(), Log: log})
	if err != nil {
		b.Fatal(err)
	}
	if err := mgr.Start(ctx, sessionHistory); err != nil {
		b.Fatal(err)
	}
	sess, err := mgr.Get(sessionHistory)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sess.Login(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := network.Scan(ctx, sessionHistory, ""); err != nil {
		b.Fatal(err)
	}
	h := &historyPath{dir: dir, db: db, network: network}
	stops := []func(){mgr.Close, func() { _ = devices.Close() }, func() { _ = db.Close() }}
	if publish {
		stop := h.startPublisher(b, ob, dir)
		stops = append([]func(){stop}, stops...)
	}
	h.close = func() {
		for _, stop := range stops {
			stop()
		}
	}
	return h
}

// startPublisher runs an embedded nats-server with wabridge's streams and
// the outbox's publisher into it; the returned func stops both.
func (h *historyPath) startPublisher(b testing.TB, ob *outbox.Outbox, dir string) func() {
	b.Helper()
	ctx := context.Background()
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: dir + "/nats", ServerName: "bench-history"}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	nc, err := natsbus.ConnectInProcess(ns)
	if err != nil {
		b.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		b.Fatal(err)
	}
	h.pub = outbox.NewPublisher(ob, js, outbox.PublisherConfig{}, nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = h.pub.Run(runCtx)
	}()
	return func() {
		cancel()
		<-done
		nc.Close()
		ns.Shutdown()
	}
}
