package main

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// historyBenchEvents is the size of the history BenchmarkProjectorHistory
// applies: issue 6's target sync.
const historyBenchEvents = 50_000

// BenchmarkProjectorHistory is the chat store's projector alone applying a
// history sync of 50,000 message.history events (over 5 chats) from
// WA_EVENTS on an embedded nats-server into a fresh store: its apply rate,
// without the bridge and the outbox competing for the cores. Filling the
// stream is not timed.
func BenchmarkProjectorHistory(b *testing.B) {
	ctx := context.Background()
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: b.TempDir(), ServerName: "bench-projector"}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ns.Shutdown)
	nc, err := natsbus.ConnectInProcess(ns)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	var subjects natsbus.Subjects
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		b.Fatal(err)
	}
	fillHistory(b, js, subjects, historyBenchEvents)
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		s, err := chatstore.Open(ctx, chatstore.Config{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.NewProjector(js, chatstore.ProjectConfig{Subjects: subjects, Durable: fmt.Sprintf("bench%d", n)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := p.CatchUp(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if seq, _ := p.Lag(); seq < historyBenchEvents {
			b.Fatalf("projector reached sequence %d, want %d", seq, historyBenchEvents)
		}
		_ = s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(historyBenchEvents*b.N)/b.Elapsed().Seconds(), "events/s")
}

// fillHistory publishes n message.history events of session "default" as
// the outbox's publisher would (binary mode, Nats-Msg-Id).
func fillHistory(b *testing.B, js jetstream.JetStream, subjects natsbus.Subjects, n int) {
	b.Helper()
	spec, ok := events.Lookup(events.TypeMessageHistory)
	if !ok {
		b.Fatal(events.TypeMessageHistory + " is not in the event catalog")
	}
	sample := spec.SampleEvent()
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		e := sample
		chat := fmt.Sprintf("4915100000%03d@s.whatsapp.net", i%5)
		msg := e.Data.(events.MessageReceived)
		msg.Chat, msg.Sender = events.JID{JID: chat}, events.JID{JID: chat}
		msg.WAID = fmt.Sprintf("3EB0H%010X", i)
		msg.ID = "false_" + chat + "_" + msg.WAID
		msg.Quoted = nil
		msg.Timestamp = base.Add(time.Duration(i) * time.Second)
		msg.Text = fmt.Sprintf("past message %d", i)
		e.Session, e.Subject, e.Time, e.Key, e.Data = "default", chat, msg.Timestamp, chat+"|"+chat+"|"+msg.WAID, msg
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			b.Fatal(err)
		}
		m, err := cenats.NewMsg(subjects.Event(e.Session, chat, "message.history"), ce, cenats.Binary)
		if err != nil {
			b.Fatal(err)
		}
		m.Header.Set(nats.MsgIdHdr, ce.ID())
		if _, err := js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("filling the stream took over a minute")
	}
}
