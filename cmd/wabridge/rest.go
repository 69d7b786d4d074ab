package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// httpPart is the REST adapter. It comes up before the command path is
// ready, so /healthz answers while an external NATS is still unreachable;
// /readyz asks ready.
type httpPart struct {
	cfg      Config
	log      *slog.Logger
	nats     *natsPart
	sessions *sessionsPart
	subjects natsbus.Subjects
	token    string
	ready    httpadapter.ReadyFunc
	failed   chan<- error
	webhooks *webhooksPart
	media    *mediaPart
	metrics  http.Handler // GET /metrics (metrics.go)
	tracing  *tracingPart // tracing.go

	srv  *http.Server
	addr string
	done chan struct{}
}

func (p *httpPart) Name() string { return "http" }

func (p *httpPart) Start(context.Context) error {
	openAPI, err := commands.OpenAPI(version)
	if err != nil {
		return err
	}
	asyncAPI, err := commands.AsyncAPI(version)
	if err != nil {
		return err
	}
	rts, err := routes()
	if err != nil {
		return err
	}
	stopping := make(chan struct{})
	handler, err := httpadapter.New(httpadapter.Config{
		Routes:         rts,
		Bus:            p.nats.nc,
		Subjects:       p.subjects,
		Auth:           restAuth(p.cfg),
		Ready:          p.ready,
		Sandbox:        sandboxAPI(p.sessions.network, p.sessions.manager),
		Log:            p.log,
		Version:        version,
		OpenAPI:        openAPI,
		AsyncAPI:       asyncAPI,
		InternalSecret: p.token,
		ListenAddr:     p.cfg.HTTPAddr,
		AllowedHosts:   p.cfg.HTTPHosts,
		Webhooks:       p.webhooks.svc,
		Events:         newEventLog(p.nats.js, p.subjects, p.log),
		Media:          p.media.rest(),
		Metrics:        p.metrics,
		Tracing:        p.tracing.tracerProvider(),
		Stopping:       stopping,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", p.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening for REST: %w", err)
	}
	p.addr = ln.Addr().String()
	// Bounded everywhere: a client that trickles its body or never reads the
	// answer cannot hold a handler. Writes may wait for a command (60 s).
	p.srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 90 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10}
	p.srv.RegisterOnShutdown(func() { close(stopping) })
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		if err := p.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			p.failed <- fmt.Errorf("REST server stopped: %w", err)
		}
	}()
	return nil
}

func (p *httpPart) Stop(ctx context.Context) error {
	err := p.srv.Shutdown(ctx)
	<-p.done
	return err
}

func warnInsecure(cfg Config, log *slog.Logger) {
	if !cfg.restAuth() {
		log.Warn("REST has no credentials configured: every local user and process can call it (cross-site browser requests and other Host names are refused); set --http-tokens or --http-basic-auth", "http_addr", cfg.HTTPAddr)
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

// routes are the catalog's REST routes, with their schemas' field types
// (by which multipart uploads are typed).
func routes() ([]httpadapter.Route, error) {
	var out []httpadapter.Route
	for _, s := range commands.Catalog() {
		if s.Method != "" && s.Path != "" {
			fields, err := schemaFields(s.Schema)
			if err != nil {
				return nil, err
			}
			out = append(out, httpadapter.Route{Name: s.Name, Method: s.Method, Path: s.Path, Fields: fields})
		}
	}
	return out, nil
}

// The outbox is the dispatcher's audit trail (the sessions' ports: see
// chatSession).
var _ commands.Audit = (*outbox.Outbox)(nil)
