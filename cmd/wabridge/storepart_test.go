package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// The part projects what the stream holds and serves it through Reader;
// a restart of the part goes on from where it was.
func TestStorePartProjects(t *testing.T) {
	dir := t.TempDir()
	seedStream(t, dir)
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: filepath.Join(dir, "jetstream")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	nc, err := natsbus.ConnectInProcess(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	cfg := Config{DataDir: dir, Prefix: natsbus.DefaultPrefix, Sessions: []string{ident.DefaultSession}}
	for range 2 {
		p := &storePart{cfg: cfg, log: slog.New(slog.DiscardHandler), nats: &natsPart{js: js}}
		ctx := context.Background()
		if err := p.Start(ctx); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			page, err := p.Reader().ListChats(ctx, ident.DefaultSession, chatview.ChatQuery{})
			if err != nil {
				t.Fatal(err)
			}
			details, rerr := p.Ready(ctx)
			d, _ := details.(map[string]any)
			if len(page.Chats) == 1 && page.Chats[0].UnreadCount == 1 && rerr == nil && d["applied_seq"] == uint64(1) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("chats never projected: %+v; Ready %v %v", page.Chats, d, rerr)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := p.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
