package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.mau.fi/whatsmeow/store"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	istore "github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/schemas"
)

// serve runs the bridge until ctx ends, then shuts down in the order that
// loses nothing: stop taking commands, drain in-flight ones, flush the
// outbox, close the connections and stores.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	warnInsecure(cfg, log)
	mode, err := cenats.ParseMode(cfg.EventMode)
	if err != nil {
		return err
	}
	subjects := natsbus.Subjects{Prefix: cfg.Prefix}

	db, err := istore.Open(cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()

	nc, ns, natsOpts, err := connectNATS(cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		_ = nc.Drain()
		waitClosed(nc, 5*time.Second)
		if ns != nil {
			ns.Shutdown()
			ns.WaitForShutdown()
		}
	}()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("opening JetStream: %w", err)
	}
	if err := ensureStreams(ctx, js, cfg, log); err != nil {
		return err
	}

	outbox, err := events.NewOutbox(db, subjects)
	if err != nil {
		return err
	}
	publisher := events.NewPublisher(outbox, js, events.PublisherConfig{Mode: mode}, log.With("component", "publisher"))
	pubCtx, stopPublisher := context.WithCancel(context.Background())
	var pubDone sync.WaitGroup
	pubDone.Add(1)
	go func() {
		defer pubDone.Done()
		if err := publisher.Run(pubCtx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("publisher stopped", "err", err)
		}
	}()
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWait)
		if err := publisher.Flush(flushCtx); err != nil {
			n, _ := outbox.Len()
			log.Warn("outbox not empty at shutdown; it is published at the next start", "pending", n, "err", err)
		}
		cancel()
		stopPublisher()
		pubDone.Wait()
	}()

	devices, err := bridge.OpenDeviceStore(ctx, cfg.DataDir, log.With("component", "devicestore"))
	if err != nil {
		return err
	}
	defer devices.Close()

	var network *sandbox.Network
	factory := bridge.WhatsmeowFactory()
	if cfg.Sandbox {
		log.Warn("sandbox mode: sessions run against a simulated WhatsApp network, not WhatsApp")
		network = sandbox.NewNetwork(sandbox.Config{Log: log.With("component", "sandbox")})
		factory = func(session string, dev *store.Device, l waLog.Logger) bridge.Client {
			return network.NewClient(session, dev, l)
		}
	}
	var qrOut io.Writer
	if cfg.QRTerminal {
		qrOut = stdout
	}
	manager, err := bridge.NewManager(bridge.ManagerConfig{
		Devices:   devices,
		DB:        db,
		Sink:      outbox,
		NewClient: factory,
		Log:       log.With("component", "bridge"),
		QRWriter:  qrOut,
	})
	if err != nil {
		return err
	}
	defer manager.Close()
	if err := manager.Start(ctx, cfg.Sessions...); err != nil {
		return err
	}

	schemaSet, err := schemas.Load()
	if err != nil {
		return err
	}
	dispatcher, err := commands.NewDispatcher(commands.DispatcherConfig{
		Sessions: sessions{manager},
		DB:       db,
		Schemas:  schemaSet,
		Log:      log.With("component", "commands"),
	})
	if err != nil {
		return err
	}
	go func() {
		if err := dispatcher.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("pruning idempotency records stopped", "err", err)
		}
	}()

	rpc, err := transport.NewRPCServer(nc, dispatcher, outbox, transport.RPCConfig{Subjects: subjects, Mode: mode}, log.With("component", "rpc"))
	if err != nil {
		return err
	}
	if err := rpc.Start(); err != nil {
		return err
	}
	durable, err := transport.NewDurable(transport.DurableConfig{URL: cfg.NATSURL, Options: natsOpts, Subjects: subjects}, dispatcher, outbox, log.With("component", "durable"))
	if err != nil {
		return err
	}
	durableDone := make(chan error, 1)
	go func() { durableDone <- durable.Run(ctx) }()

	handler, err := httpadapter.New(httpadapter.Config{
		Routes:   routes(),
		Bus:      nc,
		Subjects: subjects,
		Auth:     restAuth(cfg),
		Ready:    readiness(nc, manager),
		Sandbox:  sandboxAPI(network, manager),
		Log:      log.With("component", "http"),
		Version:  version,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening for REST: %w", err)
	}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("wabridge is up", "http", ln.Addr().String(), "nats", natsAddr(cfg, ns), "data_dir", cfg.DataDir, "sessions", strings.Join(cfg.Sessions, ","), "sandbox", cfg.Sandbox)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-httpDone:
		return fmt.Errorf("REST server stopped: %w", err)
	case err := <-durableDone:
		if err != nil {
			return fmt.Errorf("durable command consumer stopped: %w", err)
		}
	}

	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWait)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(shutCtx); err != nil {
		errs = append(errs, fmt.Errorf("stopping REST: %w", err))
	}
	if err := rpc.Shutdown(shutCtx); err != nil {
		errs = append(errs, fmt.Errorf("stopping rpc: %w", err))
	}
	if err := durable.Close(); err != nil {
		errs = append(errs, fmt.Errorf("stopping durable consumer: %w", err))
	}
	// The deferred calls close the sessions, flush the outbox and close NATS and
	// the stores, in that order.
	return errors.Join(errs...)
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
			log.Warn("NATS disconnected", "err", err)
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

// ensureStreams retries while an external NATS is not reachable yet.
func ensureStreams(ctx context.Context, js jetstream.JetStream, cfg Config, log *slog.Logger) error {
	scfg := natsbus.StreamsConfig{Prefix: cfg.Prefix, EventsMaxAge: cfg.EventsMaxAge}
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := natsbus.EnsureStreams(tctx, js, scfg)
		cancel()
		if err == nil {
			return nil
		}
		log.Warn("creating JetStream streams failed; retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return fmt.Errorf("creating streams: %w", err)
		case <-time.After(wait):
		}
	}
}

func waitClosed(nc *nats.Conn, d time.Duration) {
	deadline := time.Now().Add(d)
	for !nc.IsClosed() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	nc.Close()
}

func natsAddr(cfg Config, ns *server.Server) string {
	if ns == nil {
		return cfg.NATSURL
	}
	if cfg.NATSListen == "" {
		return "in-process only"
	}
	return ns.ClientURL()
}

func warnInsecure(cfg Config, log *slog.Logger) {
	if !cfg.restAuth() {
		log.Warn("REST has no credentials configured; serving it on loopback only is safe, anything else is not", "http_addr", cfg.HTTPAddr)
	}
	if cfg.NATSURL == "" && cfg.NATSListen != "" && !cfg.natsAuth() {
		log.Warn("embedded NATS has no credentials configured; anyone who can reach it can send commands", "nats_listen", cfg.NATSListen)
	}
}

func restAuth(cfg Config) httpadapter.Auth {
	a := httpadapter.Auth{BearerTokens: cfg.HTTPTokens}
	if len(cfg.HTTPBasic) > 0 {
		a.BasicUsers = map[string]string{}
		for _, p := range cfg.HTTPBasic {
			u, pw, _ := strings.Cut(p, ":")
			a.BasicUsers[u] = pw
		}
	}
	return a
}

func routes() []httpadapter.Route {
	var out []httpadapter.Route
	for _, s := range commands.Catalog() {
		if s.Method != "" && s.Path != "" {
			out = append(out, httpadapter.Route{Name: s.Name, Method: s.Method, Path: s.Path})
		}
	}
	return out
}

func readiness(nc *nats.Conn, m *bridge.Manager) func() error {
	return func() error {
		if !nc.IsConnected() {
			return errors.New("NATS is not connected")
		}
		if !m.Ready() {
			return errors.New("sessions are starting")
		}
		return nil
	}
}
