package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	istore "github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/schemas"
)

// app is a running bridge: the parts serve starts, and what stops them.
type app struct {
	cfg      Config
	log      *slog.Logger
	stdout   io.Writer // where QR codes are drawn
	mode     cenats.Mode
	subjects natsbus.Subjects
	stops    []func() // run in reverse order of start

	db       *istore.DB
	nc       *nats.Conn
	ns       *server.Server
	natsOpts []nats.Option
	js       jetstream.JetStream
	outbox   *outbox.Outbox
	network  *sandbox.Network
	manager  *bridge.Manager
	rpc      *transport.RPCServer
	durable  *transport.Durable
	http     *http.Server
	httpAddr string
	ready    atomic.Bool // streams ensured and commands taken
}

// onStop registers f to run at shutdown, after everything started later.
func (a *app) onStop(f func()) { a.stops = append(a.stops, f) }

func (a *app) stop() {
	for i := len(a.stops) - 1; i >= 0; i-- {
		a.stops[i]()
	}
}

// serve runs the bridge until ctx ends, then shuts down in the order that
// loses nothing: stop taking commands, drain in-flight ones, close the
// sessions, flush the outbox, close the connections and stores.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	warnInsecure(cfg, log)
	mode, err := cenats.ParseMode(cfg.EventMode)
	if err != nil {
		return err
	}
	a := &app{cfg: cfg, log: log, stdout: stdout, mode: mode, subjects: natsbus.Subjects{Prefix: cfg.Prefix}}
	defer a.stop()
	for _, step := range []func(context.Context) error{
		a.startStorage, a.startNATS, a.startOutbox, a.startSessions,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	// REST is up before the streams exist, so /healthz answers while an
	// external NATS is still unreachable; /readyz waits for a.ready.
	failed := make(chan error, 2)
	if err := a.startHTTP(failed); err != nil {
		return err
	}
	err = a.run(ctx, failed)
	return errors.Join(err, a.shutdown())
}

// run makes sure of the streams, starts taking commands and waits for the
// end: ctx cancelled (a clean stop) or a part failing.
func (a *app) run(ctx context.Context, failed chan error) error {
	if err := ensureStreams(ctx, a.js, a.cfg, a.log); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while waiting for NATS
		}
		return err
	}
	if err := a.startCommands(ctx, failed); err != nil {
		return err
	}
	a.ready.Store(true)
	a.log.Info("wabridge is up", "http", a.httpAddr, "nats", natsAddr(a.cfg, a.ns), "data_dir", a.cfg.DataDir,
		"sessions", strings.Join(a.cfg.Sessions, ","), "sandbox", a.cfg.Sandbox)
	select {
	case <-ctx.Done():
		a.log.Info("shutting down")
		return nil
	case err := <-failed:
		return err
	}
}

// shutdown stops taking commands and drains those in flight; the rest is
// undone by the stop stack (sessions, outbox flush, NATS, stores). Parts
// that never started are skipped.
func (a *app) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownWait)
	defer cancel()
	var errs []error
	if err := a.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stopping REST: %w", err))
	}
	if a.rpc != nil {
		if err := a.rpc.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping rpc: %w", err))
		}
	}
	if a.durable != nil {
		if err := a.durable.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stopping durable consumer: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (a *app) startStorage(ctx context.Context) error {
	db, err := istore.Open(a.cfg.DataDir)
	if err != nil {
		return err
	}
	a.db = db
	a.onStop(func() { _ = db.Close() })
	return nil
}

func (a *app) startNATS(ctx context.Context) error {
	nc, ns, opts, err := connectNATS(a.cfg, a.log)
	if err != nil {
		return err
	}
	a.nc, a.ns, a.natsOpts = nc, ns, opts
	a.onStop(func() {
		_ = nc.Drain()
		waitClosed(nc, 5*time.Second)
		if ns != nil {
			ns.Shutdown()
			ns.WaitForShutdown()
		}
	})
	if a.js, err = jetstream.New(nc); err != nil {
		return fmt.Errorf("opening JetStream: %w", err)
	}
	return nil
}

// startOutbox starts the publisher that drains the outbox into JetStream; at
// shutdown it is flushed (what remains is published at the next start).
func (a *app) startOutbox(context.Context) error {
	// Entries larger than the server takes are refused at Emit/Put, while the
	// caller can still see the error. MaxPayload is 0 while an external
	// server has not been reached yet; the outbox then keeps its default.
	ob, err := outbox.New(a.db, a.subjects, outbox.WithMaxMessageBytes(a.nc.MaxPayload()))
	if err != nil {
		return err
	}
	a.outbox = ob
	publisher := outbox.NewPublisher(ob, a.js, outbox.PublisherConfig{Mode: a.mode}, a.log.With("component", "publisher"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := publisher.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("publisher stopped", "err", err)
		}
	}()
	a.onStop(func() {
		flushCtx, stop := context.WithTimeout(context.Background(), a.cfg.ShutdownWait)
		defer stop()
		if err := publisher.Flush(flushCtx); err != nil {
			n, _ := ob.Len()
			a.log.Warn("outbox not empty at shutdown; it is published at the next start", "pending", n, "err", err)
		}
		cancel()
		<-done
	})
	return nil
}

func (a *app) startSessions(ctx context.Context) error {
	devices, err := bridge.OpenDeviceStore(ctx, a.cfg.DataDir, a.log.With("component", "devicestore"))
	if err != nil {
		return err
	}
	a.onStop(func() { _ = devices.Close() })
	factory := bridge.WhatsmeowFactory()
	if a.cfg.Sandbox {
		a.log.Warn("sandbox mode: sessions run against a simulated WhatsApp network, not WhatsApp")
		a.network = sandbox.NewNetwork(sandbox.Config{Log: a.log.With("component", "sandbox")})
		factory = a.network.Factory()
	}
	var qrOut io.Writer
	if a.cfg.QRTerminal {
		qrOut = a.stdout
	}
	a.manager, err = bridge.NewManager(bridge.ManagerConfig{
		Devices:   devices,
		DB:        a.db,
		Sink:      a.outbox,
		NewClient: factory,
		Log:       a.log.With("component", "bridge"),
		QRWriter:  qrOut,
	})
	if err != nil {
		return err
	}
	a.onStop(a.manager.Close)
	if err := a.manager.Start(ctx, a.cfg.Sessions...); err != nil {
		return err
	}
	if a.cfg.QRTerminal {
		a.startTerminalLogins(ctx)
	}
	if a.cfg.MessageRetention > 0 {
		go a.pruneMessages(ctx, a.manager.Index())
	}
	return nil
}

// pruneMessages keeps the message index within --message-retention: at
// start, then hourly.
func (a *app) pruneMessages(ctx context.Context, index *bridge.MessageIndex) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		n, err := index.Prune(time.Now().Add(-a.cfg.MessageRetention))
		if err != nil {
			a.log.Error("pruning the message index", "err", err)
		} else if n > 0 {
			a.log.Info("pruned the message index", "removed", n, "retention", a.cfg.MessageRetention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// startTerminalLogins begins a QR login for every session that has no linked
// device, so that a fresh `wabridge serve` shows a QR code in the terminal
// without any call. While WhatsApp cannot be reached it tries again with
// backoff; once codes were shown and ran out, GET /app/login begins another.
func (a *app) startTerminalLogins(ctx context.Context) {
	for _, name := range a.cfg.Sessions {
		sess, err := a.manager.Get(name)
		if err != nil || sess.Status().LoggedIn {
			continue
		}
		go func() {
			for wait := 2 * time.Second; ctx.Err() == nil && !sess.Status().LoggedIn; wait = min(2*wait, time.Minute) {
				_, err := sess.Login(ctx)
				if err == nil {
					a.log.Info("scan the QR code above with WhatsApp (Linked devices), or open /app/login", "session", name)
					return
				}
				if werr.KindOf(err) != werr.KindNotConnected && werr.KindOf(err) != werr.KindTimeout {
					a.log.Warn("terminal login stopped; GET /app/login starts one", "session", name, "err", err)
					return
				}
				a.log.Warn("no QR code yet: WhatsApp not reachable; trying again", "session", name, "in", wait)
				select {
				case <-ctx.Done():
				case <-time.After(wait):
				}
			}
		}()
	}
}

// startCommands starts the command path: dispatcher, rpc server, durable
// consumer. A durable consumer that dies is reported on failed.
func (a *app) startCommands(ctx context.Context, failed chan<- error) error {
	schemaSet, err := schemas.Load()
	if err != nil {
		return err
	}
	dispatcher, err := commands.NewDispatcher(commands.DispatcherConfig{
		Sessions: sessions{a.manager},
		DB:       a.db,
		Schemas:  schemaSet,
		Log:      a.log.With("component", "commands"),
	})
	if err != nil {
		return err
	}
	go func() {
		if err := dispatcher.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("pruning idempotency records stopped", "err", err)
		}
	}()
	a.rpc, err = transport.NewRPCServer(a.nc, dispatcher, a.outbox, transport.RPCConfig{Subjects: a.subjects, Sessions: a.cfg.Sessions, Mode: a.mode}, a.log.With("component", "rpc"))
	if err != nil {
		return err
	}
	if err := a.rpc.Start(); err != nil {
		return err
	}
	a.durable, err = transport.NewDurable(transport.DurableConfig{URL: a.cfg.NATSURL, Options: a.natsOpts, Subjects: a.subjects, Sessions: a.cfg.Sessions,
		// In-flight commands get the same budget as the rest of shutdown.
		CloseTimeout: a.cfg.ShutdownWait},
		dispatcher, a.outbox, a.log.With("component", "durable"))
	if err != nil {
		return err
	}
	go func() {
		if err := a.durable.Run(ctx); err != nil && ctx.Err() == nil {
			failed <- fmt.Errorf("durable command consumer stopped: %w", err)
		}
	}()
	return nil
}

func (a *app) startHTTP(failed chan<- error) error {
	openAPI, err := commands.OpenAPI(version)
	if err != nil {
		return err
	}
	handler, err := httpadapter.New(httpadapter.Config{
		Routes:   routes(),
		Bus:      a.nc,
		Subjects: a.subjects,
		Auth:     restAuth(a.cfg),
		Ready:    func(context.Context) (map[string]any, error) { return nil, a.readiness() },
		Sandbox:  sandboxAPI(a.network, a.manager),
		Log:      a.log.With("component", "http"),
		Version:  version,
		OpenAPI:  openAPI,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening for REST: %w", err)
	}
	a.httpAddr = ln.Addr().String()
	// Bounded everywhere: a client that trickles its body or never reads the
	// answer cannot hold a handler. Writes may wait for a command (60 s).
	a.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 90 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10}
	go func() {
		if err := a.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			failed <- fmt.Errorf("REST server stopped: %w", err)
		}
	}()
	return nil
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

// ensureStreams retries while an external NATS is not reachable yet.
func ensureStreams(ctx context.Context, js jetstream.JetStream, cfg Config, log *slog.Logger) error {
	scfg := cfg.streamsConfig()
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
		return redactURLs(cfg.NATSURL)
	}
	if cfg.NATSListen == "" {
		return "in-process only"
	}
	return ns.ClientURL()
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

// readiness is /readyz (CONTRACT §9): NATS connected, streams and command
// transports up, every session manager started. A session that is not
// logged in does not make the process unready.
func (a *app) readiness() error {
	switch {
	case !a.nc.IsConnected():
		return errors.New("NATS is not connected")
	case !a.ready.Load():
		return errors.New("starting: JetStream streams and command transports are not up yet")
	case !a.manager.Ready():
		return errors.New("sessions are starting")
	}
	return nil
}
