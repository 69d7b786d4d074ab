package natsbus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// The embedded JetStream fsyncs on a short interval (not nats-server's 2
// minutes), or on every write when asked; DurableAfter tells the outbox how
// long an acked message may still be only in memory.
func TestStartServerSyncsJetStream(t *testing.T) {
	tests := []struct {
		name         string
		cfg          natsbus.ServerConfig
		wantInterval time.Duration
		wantAlways   bool
		wantDurable  time.Duration
	}{
		{"default", natsbus.ServerConfig{}, natsbus.DefaultSyncInterval, false, natsbus.DefaultSyncInterval + time.Second},
		{"interval", natsbus.ServerConfig{SyncInterval: 3 * time.Second}, 3 * time.Second, false, 4 * time.Second},
		{"always", natsbus.ServerConfig{SyncAlways: true}, natsbus.DefaultSyncInterval, true, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, tt.cfg, nil)
			jc := s.JetStreamConfig()
			if jc.SyncInterval != tt.wantInterval || jc.SyncAlways != tt.wantAlways {
				t.Fatalf("JetStream sync interval %s always %v, want %s %v", jc.SyncInterval, jc.SyncAlways, tt.wantInterval, tt.wantAlways)
			}
			if got := tt.cfg.DurableAfter(); got != tt.wantDurable {
				t.Fatalf("DurableAfter = %s, want %s", got, tt.wantDurable)
			}
		})
	}
}

// BenchmarkPublishSync compares JetStream publish throughput (one publisher
// waiting for each PubAck, as the outbox publishes) under the sync settings.
func BenchmarkPublishSync(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  natsbus.ServerConfig
	}{
		{"interval=2m", natsbus.ServerConfig{SyncInterval: 2 * time.Minute}},
		{"interval=1s", natsbus.ServerConfig{SyncInterval: time.Second}},
		{"always", natsbus.ServerConfig{SyncAlways: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.cfg.StoreDir = b.TempDir()
			s, err := natsbus.StartServer(bc.cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { s.Shutdown(); s.WaitForShutdown() }()
			nc, err := natsbus.ConnectInProcess(s)
			if err != nil {
				b.Fatal(err)
			}
			defer nc.Close()
			js, err := jetstream.New(nc)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
				b.Fatal(err)
			}
			subj := natsbus.Subjects{}.Event("default", "4917612345678@s.whatsapp.net", "message.received")
			payload := make([]byte, 512)
			i := 0
			for b.Loop() {
				if _, err := js.Publish(ctx, subj, payload, jetstream.WithMsgID(fmt.Sprint(i))); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
