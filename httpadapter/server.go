package httpadapter

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// New returns the REST adapter: a Gin engine in release mode serving
// cfg.Routes as rpc commands, health checks, with cfg.OpenAPI the API
// description and, with cfg.Sandbox, the sandbox routes.
func New(cfg Config) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuring REST adapter: %w", err)
	}
	// Gin's mode is process-wide; release mode only silences its debug
	// printing, so setting it from here is harmless to other engines.
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Forwarded headers are trusted from nobody: a client could otherwise
	// choose the address the request log shows.
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, fmt.Errorf("configuring trusted proxies: %w", err)
	}
	// The request log wraps recovery so a recovered panic is logged as the
	// 500 it became.
	// The guard runs before auth: a rebinding or cross-site request is
	// refused whether or not the browser holds credentials.
	r.Use(requestLog(cfg.Log), traceRequests(cfg.Tracing), recovery(cfg.Log), securityHeaders, echoIDs, newGuard(cfg).middleware)
	r.NoRoute(notFound)
	r.NoMethod(methodNotAllowed)

	r.GET(pathHealthz, healthz(cfg.Version))
	r.GET(pathReadyz, readyz(cfg.Ready))
	newDashboard(cfg.Auth).register(r) // public files; the page checks credentials itself

	api := r.Group("/")
	if cfg.Auth.Enabled() {
		api.Use(newAuthenticator(cfg.Auth).middleware)
	}
	if err := register(api, cfg); err != nil {
		return nil, err
	}
	return r, nil
}

// register adds one route per command and the sandbox's routes. Gin panics
// on conflicting routes; that is a catalog mistake, reported as an error.
func register(g *gin.RouterGroup, cfg Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("registering REST routes: %v", r)
		}
	}()
	for _, rt := range cfg.Routes {
		h := &commandHandler{
			route:    rt,
			bus:      cfg.Bus,
			subjects: cfg.Subjects,
			timeout:  cfg.Timeout,
			secret:   []byte(cfg.InternalSecret),
			maxBody:  cfg.MaxBodyBytes,
			ready:    cfg.Ready,
			log:      cfg.Log,
		}
		if rt.Name == loginRoute {
			h.render = renderLogin
		}
		if takesUploads(cfg, rt) {
			h.uploads = &uploader{cfg: cfg.Media, route: rt, maxFields: cfg.MaxBodyBytes, log: cfg.Log}
		}
		g.Handle(rt.Method, rt.Path, h.serve)
	}
	if len(cfg.OpenAPI) > 0 {
		g.GET(pathOpenAPI, serveOpenAPI(cfg.OpenAPI))
	}
	if len(cfg.AsyncAPI) > 0 {
		if err := asyncAPIRoutes(g, cfg.AsyncAPI); err != nil {
			return fmt.Errorf("serving the AsyncAPI document: %w", err)
		}
	}
	if cfg.Events != nil {
		eventRoutes{log: cfg.Events, keepAlive: cfg.EventsKeepAlive, stopping: cfg.Stopping}.register(g)
	}
	if cfg.Media != nil {
		newMediaRoutes(cfg.Media, cfg.Log).register(g)
	}
	metricsRoute(g, cfg.Metrics)
	if cfg.Webhooks != nil {
		webhookRoutes{hooks: cfg.Webhooks, maxBody: cfg.MaxBodyBytes}.register(g)
	}
	if cfg.Sandbox != nil {
		sandboxRoutes{sb: cfg.Sandbox, maxBody: cfg.MaxBodyBytes}.register(g)
	}
	return nil
}
