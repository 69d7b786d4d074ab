package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// storeRebuild is `wabridge store rebuild`: it drops the chat store of the
// sessions and applies the events stream again from its start, over the
// embedded JetStream of the data directory (no listener). The bridge must
// be stopped: it owns the same files.
func storeRebuild(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wabridge store rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "./data", "the bridge's data directory")
	prefix := fs.String("subject-prefix", natsbus.DefaultPrefix, "first token of every NATS subject")
	sessions := fs.String("sessions", ident.DefaultSession, "comma-separated sessions to rebuild")
	if len(args) == 0 || args[0] != "rebuild" {
		fmt.Fprintln(stderr, "usage: wabridge store rebuild [--data-dir DIR] [--subject-prefix P] [--sessions a,b]")
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg := chatstore.ProjectConfig{Subjects: natsbus.Subjects{Prefix: *prefix}, Sessions: splitList(*sessions)}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Log = log
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	seq, err := rebuildStore(ctx, *dataDir, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "wabridge store rebuild:", err)
		return 1
	}
	fmt.Fprintf(stdout, "chat store rebuilt from %s up to stream sequence %d\n", cfg.Subjects.EventsStream(), seq)
	return 0
}

func rebuildStore(ctx context.Context, dataDir string, cfg chatstore.ProjectConfig, log *slog.Logger) (uint64, error) {
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: filepath.Join(dataDir, "jetstream")}, log)
	if err != nil {
		return 0, err
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	nc, err := natsbus.ConnectInProcess(ns)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, fmt.Errorf("opening JetStream: %w", err)
	}
	stream := cfg.Subjects.EventsStream()
	if _, err := js.Stream(ctx, stream); errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, fmt.Errorf("the data directory holds no stream %s (wrong --data-dir or --subject-prefix?)", stream)
	} else if err != nil {
		return 0, fmt.Errorf("looking up stream %s: %w", stream, err)
	}
	s, err := chatstore.Open(ctx, chatstore.Config{Dir: dataDir, Log: log})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	if err := s.Rebuild(ctx, js, cfg); err != nil {
		return 0, err
	}
	return s.Position(ctx, cfg)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
