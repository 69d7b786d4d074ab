package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/lifecycle"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// serve runs the bridge until ctx ends. It is wiring only: each part is a
// component (DESIGN.md §Lifecycle) started in this order and stopped in
// reverse, which is the order that loses nothing: stop REST, stop taking
// commands and drain those in flight, close the sessions, flush the
// outbox, close NATS and the stores.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	log = withTraceIDs(log) // tracing.go
	warnInsecure(cfg, log)
	mode, err := cenats.ParseMode(cfg.EventMode)
	if err != nil {
		return err
	}
	secret, err := internalSecret(cfg)
	if err != nil {
		return err
	}
	subjects := natsbus.Subjects{Prefix: cfg.Prefix}
	failed := make(chan error, 4) // a part that dies after its start
	tr := &tracingPart{log: log.With("component", "tracing")}
	storage := &storagePart{cfg: cfg}
	nc := &natsPart{cfg: cfg, log: log}
	med := &mediaPart{cfg: cfg, log: log.With("component", "media"), nats: nc}
	ob := &outboxPart{cfg: cfg, log: log.With("component", "publisher"), storage: storage, nats: nc, mode: mode, subjects: subjects}
	sess := &sessionsPart{cfg: cfg, log: log, storage: storage, outbox: ob, stdout: stdout, media: med}
	mfetch := &mediaFetchPart{cfg: cfg, log: log.With("component", "mediafetch"), nats: nc, sessions: sess, media: med}
	med.fetcher = mfetch
	chats := &storePart{cfg: cfg, log: log.With("component", "chatstore"), nats: nc}
	cmds := &commandsPart{cfg: cfg, log: log, storage: storage, nats: nc, outbox: ob, sessions: sess, chats: chats,
		mode: mode, subjects: subjects, token: secret, failed: failed, up: make(chan struct{}), tracing: tr}
	hooks := &webhooksPart{cfg: cfg, log: log.With("component", "webhooks"), nats: nc, subjects: subjects}
	runner := &lifecycle.Runner{Log: log}
	rest := &httpPart{cfg: cfg, log: log.With("component", "http"), nats: nc, sessions: sess, subjects: subjects,
		token: secret, ready: runner.Ready, failed: failed, webhooks: hooks, media: med, tracing: tr}
	if err := wireMetrics(log.With("component", "metrics"), ob, sess, cmds, hooks, rest); err != nil {
		return err
	}

	startErr := runner.Start(ctx, tr, storage, nc, med, ob, sess, mfetch, chats, cmds, hooks, rest)
	if startErr == nil {
		startErr = wait(ctx, log, cmds.up, failed, func() {
			log.Info("wabridge is up", "http", rest.addr, "nats", nc.addr(), "data_dir", cfg.DataDir,
				"sessions", strings.Join(cfg.Sessions, ","), "sandbox", cfg.Sandbox)
		})
	}
	return errors.Join(startErr, runner.Stop())
}

// wait runs until ctx ends (a clean stop) or a part fails, saying when the
// command path is up.
func wait(ctx context.Context, log *slog.Logger, up <-chan struct{}, failed <-chan error, onUp func()) error {
	for {
		select {
		case <-up:
			onUp()
			up = nil
		case <-ctx.Done():
			log.Info("shutting down")
			return nil
		case err := <-failed:
			return err
		}
	}
}

// internalSecret is the secret with which REST signs its commands
// (natsbus.Sign): the configured one, which every process sharing the NATS
// must have, or a random one that only this process knows.
func internalSecret(cfg Config) (string, error) {
	if cfg.InternalSecret != "" {
		return cfg.InternalSecret, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making the internal secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}
