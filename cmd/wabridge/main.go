// Command wabridge links WhatsApp accounts to NATS, speaking CloudEvents.
//
//	wabridge serve [flags]   run the bridge (see `wabridge serve -h`)
//	wabridge version         print the version
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		cfg, err := loadConfig(args[1:], os.Getenv)
		if err != nil {
			fmt.Fprintln(stderr, "wabridge serve:", err)
			return 2
		}
		log := newLogger(cfg, stderr)
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		if err := serve(ctx, cfg, log, stdout); err != nil {
			log.Error("wabridge stopped with an error", "err", err)
			return 1
		}
		return 0
	case "store":
		return storeRebuild(args[1:], stdout, stderr)
	case "replay":
		return replayCmd(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "wabridge", version)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "wabridge: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `usage: wabridge <command> [flags]

commands:
  serve     run the bridge (embedded NATS, REST, WhatsApp sessions)
  store rebuild
            drop the chat store and rebuild it from the events stream (bridge stopped)
  replay    write a stretch of the events stream to stdout, a file, a NATS subject or a URL
  version   print the version

Run "wabridge serve -h" for the flags; each has a WABRIDGE_* environment twin.`)
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
