package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wabridge/wabridge/events/mediafetch"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/webhooks"
)

// Config is everything `wabridge serve` can be told. Every field is one row of
// options(): a flag, its environment twin and a key of the YAML file, so the
// three can never drift apart.
type Config struct {
	ConfigFile   string
	DataDir      string
	HTTPAddr     string
	NATSListen   string
	NATSURL      string
	NATSUser     string
	NATSPassword string
	NATSToken    string
	Prefix       string
	Sessions     []string
	Sandbox      bool
	Insecure     bool
	HTTPTokens   []string
	HTTPBasic    []string // user:password
	EventMode    string   // binary | structured
	EventsMaxAge time.Duration
	// EventsMaxBytes bounds WA_EVENTS' size; 0 = unlimited.
	EventsMaxBytes int64
	// CommandLifetime is how long a durable command without an expirytime
	// extension may take to take effect before it ends with EXPIRED.
	CommandLifetime time.Duration
	// EmittedHorizon is how long the ledger of emitted event ids is kept:
	// an event WhatsApp redelivers within it is never published twice.
	EmittedHorizon time.Duration
	// OutboxMaxAge: /readyz degrades while the oldest unpublished event is
	// older than this.
	OutboxMaxAge time.Duration
	// NATSDurableAfter is how long after its PubAck an external NATS has a
	// message on disk (its sync_interval plus a margin; negative: at once,
	// for sync_interval always or an R3 stream). The outbox keeps entries
	// that long. Unused with the embedded server, which syncs every second.
	NATSDurableAfter time.Duration
	// HTTPHosts are the Host names REST answers to besides loopback ones
	// (DNS rebinding guard).
	HTTPHosts   []string
	DedupWindow time.Duration // 0: natsbus.DefaultDuplicates, shrunk to a shorter max age
	// MessageRetention is how long the message index keeps a message (for
	// quoting replies); 0 keeps them forever.
	MessageRetention time.Duration
	// FetchAllow lists CIDRs and host names the bridge may fetch from
	// although they are not public (link previews, media by URL).
	FetchAllow []string
	// RejectCalls rejects incoming calls (after their call.offer event),
	// answering the caller with RejectCallMessage when it is set.
	RejectCalls       bool
	RejectCallMessage string
	// PresenceSubscriptions is how many contacts each session subscribes
	// to for presence.updated (presence.go); 0 none.
	PresenceSubscriptions int64
	// MediaMaxSize bounds media inputs per kind (zero: media.DefaultLimits).
	MediaMaxSize media.Limits
	// MediaMaxAge and MediaMaxBytes are WA_MEDIA's retention: uploads and
	// received media are kept that long, in at most that much (0 =
	// unlimited).
	MediaMaxAge   time.Duration
	MediaMaxBytes int64
	// FFmpeg and FFprobe are the binaries media preparation runs ("" =
	// looked up on PATH).
	FFmpeg, FFprobe string
	// MediaDownload is what the media fetcher downloads of received media
	// in the background (mediafetch.ParsePolicy).
	MediaDownload mediafetch.Policy
	// InternalSecret signs the commands REST sends over NATS, so the
	// command side of every process with the same secret trusts them.
	// Empty: a random one per process, right for a single process; several
	// processes sharing one NATS need the same one. Never logged.
	InternalSecret string
	LogLevel       string
	LogFormat      string // text | json
	QRTerminal     bool
	ShutdownWait   time.Duration

	// Webhooks are the config file's webhooks: list (CONTRACT §10), kept
	// as the declared set in the webhooks bucket at start. The other three
	// shape every webhook's delivery.
	Webhooks                             []webhooks.Definition
	WebhookAckWait                       time.Duration
	WebhookBackoffMin, WebhookBackoffMax time.Duration
	// NodeID names this process in the webhooks' leases; empty: host
	// name and process id.
	NodeID string
}

func defaultConfig() Config {
	return Config{
		DataDir:      "./data",
		HTTPAddr:     "127.0.0.1:3000",
		NATSListen:   "127.0.0.1:4222",
		Prefix:       natsbus.DefaultPrefix,
		Sessions:     []string{ident.DefaultSession},
		EventMode:    "binary",
		LogLevel:     "info",
		LogFormat:    "text",
		QRTerminal:   true,
		ShutdownWait: 30 * time.Second,
		// A bounded audit log by default: a month, at most 10 GiB.
		EventsMaxAge:    30 * 24 * time.Hour,
		EventsMaxBytes:  10 << 30,
		CommandLifetime: 24 * time.Hour,
		EmittedHorizon:  7 * 24 * time.Hour,
		OutboxMaxAge:    5 * time.Minute,
		// nats-server's default sync_interval is 2 minutes.
		NATSDurableAfter: 2*time.Minute + 5*time.Second,
		// WhatsApp lets users quote old messages; three months covers
		// nearly every reply while bounding the index.
		MessageRetention:      90 * 24 * time.Hour,
		MediaDownload:         mediafetch.DefaultPolicy(),
		PresenceSubscriptions: defaultPresenceSubscriptions,
		MediaMaxAge:           30 * 24 * time.Hour,
		MediaMaxBytes:         20 << 30,

		WebhookAckWait: webhooks.DefaultAckWait, WebhookBackoffMin: webhooks.DefaultBackoffMin, WebhookBackoffMax: webhooks.DefaultBackoffMax,
	}
}

// option is one configurable value. set parses a string into the field.
type option struct {
	name  string // flag name; env is WABRIDGE_<NAME>, YAML key <name> with '-' → '_'
	usage string
	value flag.Value
}

func (o option) env() string {
	return "WABRIDGE_" + strings.ToUpper(strings.ReplaceAll(o.name, "-", "_"))
}

func (o option) key() string { return strings.ReplaceAll(o.name, "-", "_") }

func (c *Config) options() []option {
	return []option{
		{name: "config", usage: "YAML config file", value: (*stringValue)(&c.ConfigFile)},
		{name: "data-dir", usage: "directory for all state (bbolt, SQLite, JetStream)", value: (*stringValue)(&c.DataDir)},
		{name: "http-addr", usage: "REST listen address", value: (*stringValue)(&c.HTTPAddr)},
		{name: "nats-listen", usage: "listen address of the embedded NATS server", value: (*stringValue)(&c.NATSListen)},
		{name: "nats-url", usage: "use an existing NATS server instead of the embedded one", value: (*stringValue)(&c.NATSURL)},
		{name: "nats-user", usage: "NATS user (embedded server: required of clients)", value: (*stringValue)(&c.NATSUser)},
		{name: "nats-password", usage: "NATS password", value: (*stringValue)(&c.NATSPassword)},
		{name: "nats-token", usage: "NATS token", value: (*stringValue)(&c.NATSToken)},
		{name: "subject-prefix", usage: "first token of every NATS subject", value: (*stringValue)(&c.Prefix)},
		{name: "sessions", usage: "comma-separated session names to run", value: (*listValue)(&c.Sessions)},
		{name: "sandbox", usage: "run against the simulated WhatsApp network", value: (*boolValue)(&c.Sandbox)},
		{name: "insecure", usage: "allow non-loopback listeners without credentials", value: (*boolValue)(&c.Insecure)},
		{name: "http-tokens", usage: "comma-separated bearer tokens accepted by REST", value: (*listValue)(&c.HTTPTokens)},
		{name: "http-basic-auth", usage: "comma-separated user:password pairs accepted by REST", value: (*listValue)(&c.HTTPBasic)},
		{name: "event-mode", usage: "CloudEvents content mode of published events: binary or structured", value: (*stringValue)(&c.EventMode)},
		{name: "events-max-age", usage: "retention of WA_EVENTS (0 = unlimited)", value: (*durationValue)(&c.EventsMaxAge)},
		{name: "events-max-bytes", usage: "size bound of WA_EVENTS in bytes, oldest dropped first (0 = unlimited)", value: (*int64Value)(&c.EventsMaxBytes)},
		{name: "command-lifetime", usage: "how long a durable command may wait to take effect before it ends with EXPIRED", value: (*durationValue)(&c.CommandLifetime)},
		{name: "emitted-horizon", usage: "how long ids of emitted events are remembered so redeliveries are never published twice", value: (*durationValue)(&c.EmittedHorizon)},
		{name: "outbox-max-age", usage: "readiness fails while the oldest unpublished event is older than this", value: (*durationValue)(&c.OutboxMaxAge)},
		{name: "nats-durable-after", usage: "external NATS: how long after a PubAck a message is on disk (its sync_interval plus a margin; negative = at once)", value: (*durationValue)(&c.NATSDurableAfter)},
		{name: "http-hosts", usage: "comma-separated Host names REST answers to besides loopback ones", value: (*listValue)(&c.HTTPHosts)},
		{name: "message-retention", usage: "how long messages stay in the index that replies quote from (0 = forever)", value: (*durationValue)(&c.MessageRetention)},
		{name: "fetch-allow", usage: "comma-separated CIDRs and host names fetched although not public (link previews, media URLs)", value: (*listValue)(&c.FetchAllow)},
		{name: "reject-calls", usage: "reject incoming WhatsApp calls (their call.offer event says so)", value: (*boolValue)(&c.RejectCalls)},
		{name: "presence-subscriptions", usage: "how many contacts per session (the one-to-one chats last written to or heard from) WhatsApp is asked for presence.updated, while the session is available (0 = none)", value: (*int64Value)(&c.PresenceSubscriptions)},
		{name: "reject-call-message", usage: "text sent to a caller whose call was rejected (with --reject-calls)", value: (*stringValue)(&c.RejectCallMessage)},
		{name: "media-max-size", usage: "largest media input per kind, e.g. image=16MiB,video=64MiB (kinds not named keep their defaults: image and audio 16 MiB, video 64 MiB, document 100 MiB, sticker 1 MiB)", value: (*limitsValue)(&c.MediaMaxSize)},
		{name: "media-max-age", usage: "how long WA_MEDIA keeps uploads and received media (0 = until deleted)", value: (*durationValue)(&c.MediaMaxAge)},
		{name: "media-max-bytes", usage: "size bound of WA_MEDIA in bytes; when full, new media is refused until old media expires (0 = unlimited)", value: (*int64Value)(&c.MediaMaxBytes)},
		{name: "ffmpeg", usage: "ffmpeg binary for video and voice-note conversion (default: ffmpeg on PATH)", value: (*stringValue)(&c.FFmpeg)},
		{name: "media-download", usage: "received media downloaded into WA_MEDIA in the background: none, or kinds (image,video,audio,document,sticker, all), max=<size>, view_once (store view-once media, served once), history (media of history syncs too); GET /media downloads the rest on demand", value: (*policyValue)(&c.MediaDownload)},
		{name: "ffprobe", usage: "ffprobe binary for video and audio metadata (default: ffprobe on PATH)", value: (*stringValue)(&c.FFprobe)},
		{name: "dedup-window", usage: "Nats-Msg-Id deduplication window of the streams (0 = 1h, or the shorter events-max-age)", value: (*durationValue)(&c.DedupWindow)},
		{name: "internal-secret", usage: "secret (at least 32 bytes) REST signs its commands over NATS with; every process sharing the NATS needs the same (default: random per process)", value: (*stringValue)(&c.InternalSecret)},
		{name: "webhook-ack-wait", usage: "how long a webhook event in delivery may go unreported before NATS hands it out again (after a crash: the wait before it is retried)", value: (*durationValue)(&c.WebhookAckWait)},
		{name: "webhook-backoff-min", usage: "first bound of a webhook's exponential backoff between attempts", value: (*durationValue)(&c.WebhookBackoffMin)},
		{name: "webhook-backoff-max", usage: "largest wait between two attempts of a webhook delivery", value: (*durationValue)(&c.WebhookBackoffMax)},
		{name: "node-id", usage: "name of this process among those sharing the NATS, shown as the holder of the webhooks it delivers (default: host name and process id)", value: (*stringValue)(&c.NodeID)},
		{name: "log-level", usage: "debug, info, warn or error", value: (*stringValue)(&c.LogLevel)},
		{name: "log-format", usage: "text or json", value: (*stringValue)(&c.LogFormat)},
		{name: "qr-terminal", usage: "print login QR codes in the terminal", value: (*boolValue)(&c.QRTerminal)},
		{name: "shutdown-wait", usage: "how long a clean shutdown may take", value: (*durationValue)(&c.ShutdownWait)},
	}
}

// loadConfig applies, in rising precedence: defaults, the YAML file, the
// environment, the flags given on the command line.
func loadConfig(args []string, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	opts := cfg.options()
	for _, o := range opts {
		fs.Var(o.value, o.name, o.usage+" (env "+o.env()+")")
	}
	// Parse into a scratch config first only to learn the config file path and
	// which flags were set; values are applied in precedence order below.
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = f.Value.String() })

	cfg = defaultConfig()
	opts = cfg.options()
	path := set["config"]
	if path == "" {
		path = getenv("WABRIDGE_CONFIG")
	}
	if path != "" {
		if err := cfg.applyFile(path, opts); err != nil {
			return Config{}, err
		}
		cfg.ConfigFile = path
	}
	for _, o := range opts {
		if v, ok := lookupEnv(getenv, o.env()); ok {
			if err := o.value.Set(v); err != nil {
				return Config{}, fmt.Errorf("environment %s: %w", o.env(), err)
			}
		}
	}
	for _, o := range opts {
		if v, ok := set[o.name]; ok {
			if err := o.value.Set(v); err != nil {
				return Config{}, fmt.Errorf("flag --%s: %w", o.name, err)
			}
		}
	}
	return cfg, cfg.Validate()
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func (c *Config) applyFile(path string, opts []option) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading config file: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parsing config file %s: %w", path, err)
	}
	known := map[string]option{}
	for _, o := range opts {
		known[o.key()] = o
	}
	for k, v := range doc {
		if k == webhooksKey {
			if err := c.applyWebhooks(v); err != nil {
				return fmt.Errorf("config file %s: %w", path, err)
			}
			continue
		}
		o, ok := known[k]
		if !ok {
			return fmt.Errorf("config file %s: unknown key %q", path, k)
		}
		if err := o.value.Set(yamlString(v)); err != nil {
			return fmt.Errorf("config file %s: key %s: %w", path, k, err)
		}
	}
	return nil
}

// yamlString renders a YAML scalar or list the way the flag parsers read it.
func yamlString(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// Validate checks the configuration, including CONTRACT §9's rule that
// listeners off loopback need credentials unless --insecure is given.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir must not be empty"))
	}
	if len(c.Sessions) == 0 {
		errs = append(errs, errors.New("at least one session is required"))
	}
	for _, s := range c.Sessions {
		if !ident.ValidSession(s) {
			errs = append(errs, fmt.Errorf("invalid session name %q (want [a-z0-9][a-z0-9_-]{0,31})", s))
		}
	}
	if c.Prefix == "" || strings.ContainsAny(c.Prefix, ".*> \t") {
		errs = append(errs, fmt.Errorf("invalid subject prefix %q", c.Prefix))
	}
	if c.MessageRetention < 0 || c.CommandLifetime < 0 || c.EmittedHorizon < 0 || c.OutboxMaxAge < 0 {
		errs = append(errs, errors.New("message-retention, command-lifetime, emitted-horizon and outbox-max-age must not be negative"))
	}
	// A durable command still waiting when WA_COMMANDS drops it would end
	// with no result at all.
	if c.CommandLifetime > natsbus.DefaultCommandsMaxAge {
		errs = append(errs, fmt.Errorf("command-lifetime %s exceeds how long WA_COMMANDS keeps a command (%s)", c.CommandLifetime, natsbus.DefaultCommandsMaxAge))
	}
	if c.EventsMaxAge < 0 || c.EventsMaxBytes < 0 {
		errs = append(errs, errors.New("events-max-age and events-max-bytes must not be negative (0 = unlimited)"))
	}
	errs = append(errs, c.validateWebhooks())
	errs = append(errs, c.validatePresence())
	if c.EventMode != "binary" && c.EventMode != "structured" {
		errs = append(errs, fmt.Errorf("event-mode must be binary or structured, not %q", c.EventMode))
	}
	// Checked here, not first when creating the streams, which retries errors
	// as if NATS were unreachable.
	if err := c.streamsConfig().Validate(); err != nil {
		errs = append(errs, err)
	}
	for _, p := range c.HTTPBasic {
		if u, pw, ok := strings.Cut(p, ":"); !ok || u == "" || pw == "" {
			errs = append(errs, errors.New("http-basic-auth entries must be user:password"))
		}
	}
	if c.InternalSecret != "" && len(c.InternalSecret) < natsbus.MinSecretLen {
		errs = append(errs, fmt.Errorf("internal-secret must be at least %d bytes", natsbus.MinSecretLen))
	}
	if c.NATSUser != "" && c.NATSPassword == "" {
		errs = append(errs, errors.New("nats-user needs nats-password"))
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("http-addr: %w", err))
	}
	if c.NATSURL == "" && c.NATSListen != "" {
		if _, _, err := net.SplitHostPort(c.NATSListen); err != nil {
			errs = append(errs, fmt.Errorf("nats-listen: %w", err))
		}
	}
	if !c.Insecure {
		if !isLoopback(c.HTTPAddr) && len(c.HTTPTokens) == 0 && len(c.HTTPBasic) == 0 {
			errs = append(errs, fmt.Errorf("http-addr %s is not a loopback address and no REST credentials are configured (set --http-tokens or --http-basic-auth, or --insecure)", c.HTTPAddr))
		}
		if c.NATSURL == "" && c.NATSListen != "" && !isLoopback(c.NATSListen) && !c.natsAuth() {
			errs = append(errs, fmt.Errorf("nats-listen %s is not a loopback address and no NATS credentials are configured (set --nats-user/--nats-password or --nats-token, or --insecure)", c.NATSListen))
		}
	}
	return errors.Join(errs...)
}

// streamsConfig is how the configuration shapes WA_COMMANDS and WA_EVENTS.
func (c Config) streamsConfig() natsbus.StreamsConfig {
	return natsbus.StreamsConfig{Prefix: c.Prefix, EventsMaxAge: unlimitedIfZero(c.EventsMaxAge),
		EventsMaxBytes: unlimitedIfZero(c.EventsMaxBytes), Duplicates: c.DedupWindow}
}

// unlimitedIfZero maps the configuration's 0 ("unlimited", as users write
// it) to natsbus.Unlimited (natsbus reads 0 as "its default").
func unlimitedIfZero[T time.Duration | int64](v T) T {
	if v == 0 {
		return natsbus.Unlimited
	}
	return v
}

func (c Config) natsAuth() bool { return c.NATSToken != "" || c.NATSUser != "" }

func (c Config) restAuth() bool { return len(c.HTTPTokens) > 0 || len(c.HTTPBasic) > 0 }

// isLoopback reports whether addr (host:port) only listens on loopback.
// An empty host means all interfaces, which is not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("not a boolean: %q", s)
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration: %q", s)
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string { return time.Duration(*v).String() }

type int64Value int64

func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*v = int64Value(n)
	return nil
}
func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }

type listValue []string

func (v *listValue) Set(s string) error {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	*v = out
	return nil
}
func (v *listValue) String() string { return strings.Join(*v, ",") }
