package httpadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// Defaults applied by Config.setDefaults.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultMaxBodyBytes = 1 << 20
)

// Route is one command of the catalog served over REST: the command name
// (e.g. "send.message"), the HTTP method and the Gin path (":param" allowed;
// path parameters become fields of the command data).
type Route struct {
	Name, Method, Path string
	// BodyTypes are media types the route accepts for its body besides
	// application/json (e.g. "multipart/form-data" for media uploads). The
	// cross-site checks apply to them all the same.
	BodyTypes []string
	// Fields are the JSON types of the command's data fields, from its
	// schema ("string", "boolean", "integer", "number", "array"): the text
	// fields of a multipart upload are converted by them. A field named
	// like a media kind (image, audio, video, document, sticker) makes the
	// route take multipart/form-data uploads when Config.Media is set.
	Fields map[string]string
}

// Requester sends a core NATS request and waits for its reply.
// *nats.Conn satisfies it.
type Requester interface {
	RequestMsg(msg *nats.Msg, timeout time.Duration) (*nats.Msg, error)
}

var _ Requester = (*nats.Conn)(nil)

// Sandbox is the simulated WhatsApp network's control surface (CONTRACT §8).
type Sandbox interface {
	// Scan completes (or starts and completes) the login of session, then
	// has the phone push req.History past messages. It returns the JID the
	// session is logged in as.
	Scan(ctx context.Context, session string, req SandboxScan) (jid string, err error)
	// Inbound makes a virtual contact send a message to session.
	Inbound(ctx context.Context, session string, in SandboxInbound) (messageID string, err error)
	// Outbox returns what virtual contacts received, oldest first, as a
	// JSON-serialisable list.
	Outbox() any
	// Advance moves the simulated network's clock forward by d and
	// returns its new time.
	Advance(d time.Duration) (time.Time, error)
}

// SandboxInbound is the body of POST /sandbox/inbound.
type SandboxInbound struct {
	From     string `json:"from"`
	Chat     string `json:"chat,omitempty"`
	Message  string `json:"message,omitempty"`
	Type     string `json:"type,omitempty"`
	PushName string `json:"push_name,omitempty"`
	ReplyTo  string `json:"reply_message_id,omitempty"`
	ID       string `json:"id,omitempty"`
	// Fields is the whole request body, so that kinds other than text
	// (CONTRACT §8: "the same fields as the matching send.* command", e.g.
	// caption, latitude) reach the sandbox without this struct listing them.
	Fields map[string]any `json:"-"`
}

// ReadyFunc reports readiness (CONTRACT §9) with details per component,
// e.g. {"outbox": {"oldest_age": "3s"}, "sessions": {"default": {...}}}.
// A non-nil error means not ready; the details are shown either way.
type ReadyFunc func(ctx context.Context) (details map[string]any, err error)

// Auth holds the REST credentials (CONTRACT §9). Both empty means no auth;
// main allows that only on loopback addresses.
type Auth struct {
	BearerTokens []string
	BasicUsers   map[string]string // user → password
}

// Enabled reports whether any credential is configured.
func (a Auth) Enabled() bool { return len(a.BearerTokens) > 0 || len(a.BasicUsers) > 0 }

// Config configures the adapter. Routes, Bus and Log are required.
type Config struct {
	Routes   []Route
	Bus      Requester
	Subjects natsbus.Subjects
	Timeout  time.Duration // how long to wait for a command result; default 60s
	Auth     Auth
	Ready    ReadyFunc // nil: always ready
	Sandbox  Sandbox   // nil outside sandbox mode: its routes are not served
	// MaxBodyBytes limits JSON request bodies; default 1 MiB.
	MaxBodyBytes int64
	Log          *slog.Logger
	Version      string
	// OpenAPI is served as GET /openapi.json when set (under the same auth
	// as the commands); it must be valid JSON.
	OpenAPI []byte
	// AsyncAPI is served as GET /asyncapi.json and, converted, as GET
	// /asyncapi.yaml when set (same auth); it must be valid JSON.
	AsyncAPI []byte
	// InternalSecret signs every command (natsbus.Sign, in the
	// natsbus.HeaderInternal header), so the command side of any bridge
	// process with the same secret knows the call came from a REST adapter
	// (which alone may use sources under /wabridge/). The secret itself is
	// never sent nor logged.
	InternalSecret string
	// ListenAddr is the address the REST listener binds (host:port). On
	// loopback (or when empty) only loopback names and AllowedHosts are
	// accepted in Host, against DNS rebinding; elsewhere any Host is, unless
	// AllowedHosts is set.
	ListenAddr string
	// AllowedHosts are names (without port) besides the loopback ones under
	// which the API is reached, e.g. a reverse proxy's public name.
	AllowedHosts []string
	// Webhooks serves /webhooks (CONTRACT §10); nil serves none.
	Webhooks Webhooks
	// Events is the audit log behind GET /events and GET /events/stream
	// (not served when nil); EventsKeepAlive how often an idle stream sends
	// a comment (default DefaultEventsKeepAlive).
	Events          EventLog
	EventsKeepAlive time.Duration
	// Stopping is closed when the server begins to shut down: live event
	// streams (which never end by themselves) end then, so a shutdown does
	// not wait its whole budget for a dashboard left open. Nil: never.
	Stopping <-chan struct{}
	// Media enables multipart uploads and GET /media/:id; nil serves
	// neither.
	Media *MediaConfig
	// Metrics is served as GET /metrics (same auth); nil serves none.
	Metrics http.Handler
	// Tracing makes each request's span (tracing.go); nil makes none, and
	// the caller's traceparent still reaches the command.
	Tracing trace.TracerProvider
}

func (c *Config) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.EventsKeepAlive <= 0 {
		c.EventsKeepAlive = DefaultEventsKeepAlive
	}
	if c.Media != nil {
		c.Media.setDefaults()
	}
}

// Validate reports every missing or malformed setting at once.
func (c Config) Validate() error {
	var errs []error
	if c.Bus == nil {
		errs = append(errs, errors.New("Bus is required"))
	}
	if c.Log == nil {
		errs = append(errs, errors.New("Log is required"))
	}
	for i, r := range c.Routes {
		if r.Name == "" || r.Method == "" || r.Path == "" || r.Path[0] != '/' {
			errs = append(errs, fmt.Errorf("route %d (%q %s %s) needs a name, a method and a path starting with /", i, r.Name, r.Method, r.Path))
		}
	}
	for i, h := range c.AllowedHosts {
		if h == "" || strings.ContainsAny(h, "/ ,@") {
			errs = append(errs, fmt.Errorf("allowed host %d (%q) must be a host name or address", i, h))
		}
	}
	if c.Media != nil {
		errs = append(errs, c.Media.validate())
	}
	if len(c.OpenAPI) > 0 && !json.Valid(c.OpenAPI) {
		errs = append(errs, errors.New("OpenAPI is not valid JSON"))
	}
	if len(c.AsyncAPI) > 0 && !json.Valid(c.AsyncAPI) {
		errs = append(errs, errors.New("AsyncAPI is not valid JSON"))
	}
	if c.InternalSecret != "" && len(c.InternalSecret) < natsbus.MinSecretLen {
		errs = append(errs, fmt.Errorf("InternalSecret must be at least %d bytes", natsbus.MinSecretLen))
	}
	if c.InternalSecret != "" && c.Timeout > natsbus.MaxSignedAhead {
		// The command side trusts no signed expirytime further ahead.
		errs = append(errs, fmt.Errorf("Timeout must be at most %s with an InternalSecret, got %s", natsbus.MaxSignedAhead, c.Timeout))
	}
	for i, t := range c.Auth.BearerTokens {
		if t == "" {
			errs = append(errs, fmt.Errorf("bearer token %d is empty", i))
		}
	}
	for u, p := range c.Auth.BasicUsers {
		if u == "" || p == "" || strings.Contains(u, ":") {
			errs = append(errs, fmt.Errorf("basic auth user %q needs a non-empty name without ':' and a password", u))
		}
	}
	return errors.Join(errs...)
}
