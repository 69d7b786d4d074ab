package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// natsPart is the connection to NATS: the embedded server unless --nats-url
// names one. Components that open connections of their own use opts.
type natsPart struct {
	cfg  Config
	log  *slog.Logger
	nc   *nats.Conn
	ns   *server.Server
	opts []nats.Option
	js   jetstream.JetStream
	// durableAfter is how long after a PubAck a message is on disk.
	durableAfter time.Duration
}

func (p *natsPart) Name() string { return "nats" }

func (p *natsPart) Start(context.Context) error {
	var err error
	if p.nc, p.ns, p.opts, err = connectNATS(p.cfg, p.log); err != nil {
		return err
	}
	p.durableAfter = p.cfg.NATSDurableAfter
	if p.ns != nil {
		p.durableAfter = natsbus.ServerConfig{}.DurableAfter()
	}
	// The outbox publishes windows asynchronously: an ack that never comes
	// (a message lost with its connection) must time out rather than hold
	// a slot of the pending-publish limit forever.
	if p.js, err = jetstream.New(p.nc, jetstream.WithPublishAsyncTimeout(30*time.Second)); err != nil {
		return fmt.Errorf("opening JetStream: %w", err)
	}
	return nil
}

func (p *natsPart) Stop(ctx context.Context) error {
	_ = p.nc.Drain()
	for !p.nc.IsClosed() && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	p.nc.Close()
	if p.ns != nil {
		p.ns.Shutdown()
		p.ns.WaitForShutdown()
	}
	return nil
}

func (p *natsPart) Ready(context.Context) (any, error) {
	if !p.nc.IsConnected() {
		return nil, errors.New("NATS is not connected")
	}
	return nil, nil
}

// addr is where users' services reach NATS, for the start-up line.
func (p *natsPart) addr() string {
	if p.ns == nil {
		return redactURLs(p.cfg.NATSURL)
	}
	if p.cfg.NATSListen == "" {
		return "in-process only"
	}
	return p.ns.ClientURL()
}

// connectNATS connects to the configured NATS, starting the embedded server
// unless --nats-url is given. It also returns the options that reach the same
// server, for components that open connections of their own.
func connectNATS(cfg Config, log *slog.Logger) (*nats.Conn, *server.Server, []nats.Option, error) {
	opts := []nats.Option{
		nats.Name("wabridge"),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil: our own close at shutdown
				log.Warn("NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("NATS reconnected", "url", c.ConnectedUrlRedacted()) }),
	}
	switch {
	case cfg.NATSToken != "":
		opts = append(opts, nats.Token(cfg.NATSToken))
	case cfg.NATSUser != "":
		opts = append(opts, nats.UserInfo(cfg.NATSUser, cfg.NATSPassword))
	}
	if cfg.NATSURL != "" {
		opts = append(opts, nats.RetryOnFailedConnect(true))
		nc, err := nats.Connect(cfg.NATSURL, opts...)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("connecting to NATS: %w", err)
		}
		return nc, nil, opts, nil
	}
	ns, err := natsbus.StartServer(natsbus.ServerConfig{
		Listen:   cfg.NATSListen,
		StoreDir: filepath.Join(cfg.DataDir, "jetstream"),
		User:     cfg.NATSUser,
		Password: cfg.NATSPassword,
		Token:    cfg.NATSToken,
	}, log)
	if err != nil {
		return nil, nil, nil, err
	}
	nc, err := natsbus.ConnectInProcess(ns, opts...)
	if err != nil {
		ns.Shutdown()
		return nil, nil, nil, err
	}
	return nc, ns, append(opts, nats.InProcessServer(ns)), nil
}

// ensureStreams makes sure of the streams, waiting for an external NATS
// that is not reachable yet (natsbus retries; a foreign stream stops it).
func ensureStreams(ctx context.Context, js jetstream.JetStream, cfg Config, log *slog.Logger) error {
	return natsbus.EnsureStreamsRetry(ctx, js, cfg.streamsConfig(), natsbus.WithStreamLog(log))
}

// redactURLs hides the user info (passwords, tokens) of a comma-separated
// list of NATS URLs, for logging.
func redactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = "(unparsable URL)"
			continue
		}
		if u.User != nil {
			u.User = url.User("redacted")
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}
