package natsbus

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// readyTimeout bounds how long StartServer waits for the embedded server to
// accept connections; JetStream recovery of a large store happens before that.
const readyTimeout = 30 * time.Second

// ServerConfig configures the embedded nats-server.
type ServerConfig struct {
	// Listen is the client address "host:port" ("127.0.0.1:4222"); port -1
	// picks a free port. Empty means no TCP listener: in-process connections only.
	Listen string
	// StoreDir holds JetStream's file storage.
	StoreDir string
	// User and Password, or Token, protect client connections. Empty: no auth.
	User, Password, Token string
	// ServerName names the server (and its JetStream node); default "wabridge".
	ServerName string
	// MaxPayload is the largest message accepted, in bytes; default 1 MiB.
	MaxPayload int32
	// SyncInterval is how often JetStream fsyncs its file store; default
	// DefaultSyncInterval. A PubAck only means the message is in the server's
	// memory and the OS page cache: a power loss forgets what was acked
	// since the last sync, so the outbox keeps acknowledged entries for
	// DurableAfter before deleting them.
	SyncInterval time.Duration
	// SyncAlways fsyncs every write before its PubAck (sync_interval: always):
	// an ack means durable, at several times the cost per message.
	SyncAlways bool
}

// DefaultSyncInterval replaces nats-server's 2 minutes: it bounds how long
// acknowledged events must wait in the outbox before they may be deleted.
const DefaultSyncInterval = time.Second

// syncMargin is added to SyncInterval for the time a sync pass itself takes
// (the server re-arms its timer only after the pass) and for timer slack.
const syncMargin = time.Second

// DurableAfter is how long after its PubAck a message stored by this server
// is certainly on disk: SyncInterval plus a margin, or a negative duration
// (at once) with SyncAlways. Give it to the outbox publisher.
//
// An external NATS needs the same thought: a single-replica stream on a
// server with the default sync_interval (2 minutes) keeps acked messages
// only in memory for up to 2 minutes, so either set `sync_interval: always`
// there (DurableAfter negative), or a short interval and DurableAfter a bit
// longer than it; an R3 stream acks only after a quorum stored the message,
// which survives one machine's power loss (DurableAfter negative).
func (c ServerConfig) DurableAfter() time.Duration {
	c.setDefaults()
	if c.SyncAlways {
		return -1
	}
	return c.SyncInterval + syncMargin
}

func (c *ServerConfig) setDefaults() {
	if c.SyncInterval == 0 {
		c.SyncInterval = DefaultSyncInterval
	}
	if c.ServerName == "" {
		c.ServerName = "wabridge"
	}
	if c.MaxPayload == 0 {
		c.MaxPayload = server.MAX_PAYLOAD_SIZE
	}
}

// Validate reports every problem of the configuration at once.
func (c ServerConfig) Validate() error {
	var errs []error
	if c.StoreDir == "" {
		errs = append(errs, errors.New("nats server: store directory is required"))
	}
	if c.Listen != "" {
		if _, _, err := splitListen(c.Listen); err != nil {
			errs = append(errs, err)
		}
	}
	if (c.User == "") != (c.Password == "") {
		errs = append(errs, errors.New("nats server: user and password must be set together"))
	}
	if c.Token != "" && c.User != "" {
		// nats-server itself refuses this combination.
		errs = append(errs, errors.New("nats server: set either user/password or token, not both"))
	}
	if c.SyncInterval < 0 {
		errs = append(errs, fmt.Errorf("nats server: sync interval %s is negative", c.SyncInterval))
	}
	if c.MaxPayload < 0 || c.MaxPayload > 64*1024*1024 {
		errs = append(errs, fmt.Errorf("nats server: max payload %d out of range 0..64 MiB", c.MaxPayload))
	}
	return errors.Join(errs...)
}

// HasAuth reports whether clients must present credentials.
func (c ServerConfig) HasAuth() bool { return c.User != "" || c.Token != "" }

// ClientOptions are the nats.go options that present this server's
// credentials; pass them to ConnectInProcess or nats.Connect.
func (c ServerConfig) ClientOptions() []nats.Option {
	switch {
	case c.Token != "":
		return []nats.Option{nats.Token(c.Token)}
	case c.User != "":
		return []nats.Option{nats.UserInfo(c.User, c.Password)}
	}
	return nil
}

func splitListen(listen string) (string, int, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("nats server: listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < server.RANDOM_PORT || port > 65535 {
		return "", 0, fmt.Errorf("nats server: listen address %q: invalid port", listen)
	}
	return host, port, nil
}

// StartServer starts an embedded nats-server with JetStream file storage in
// cfg.StoreDir and returns once it accepts connections. The caller owns the
// server: Shutdown and WaitForShutdown it on exit.
func StartServer(cfg ServerConfig, log *slog.Logger) (*server.Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts, err := serverOptions(cfg)
	if err != nil {
		return nil, err
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("creating nats server: %w", err)
	}
	logger := newServerLogger(log, cfg.Password, cfg.Token)
	// Protocol tracing would log message payloads, so it stays off.
	s.SetLoggerV2(logger, logger.debugEnabled(), false, false)
	s.Start()
	if !s.ReadyForConnections(readyTimeout) {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, fmt.Errorf("starting nats server: not ready after %s", readyTimeout)
	}
	if !s.JetStreamEnabled() {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, errors.New("starting nats server: JetStream did not start")
	}
	return s, nil
}

func serverOptions(cfg ServerConfig) (*server.Options, error) {
	opts := &server.Options{
		ServerName:    cfg.ServerName,
		JetStream:     true,
		StoreDir:      cfg.StoreDir,
		Username:      cfg.User,
		Password:      cfg.Password,
		Authorization: cfg.Token,
		MaxPayload:    cfg.MaxPayload,
		SyncInterval:  cfg.SyncInterval,
		SyncAlways:    cfg.SyncAlways,
		// The host process owns signals; the server must not exit it.
		NoSigs: true,
	}
	if cfg.Listen == "" {
		opts.DontListen = true
		return opts, nil
	}
	host, port, err := splitListen(cfg.Listen)
	if err != nil {
		return nil, err
	}
	opts.Host, opts.Port = host, port
	return opts, nil
}

// ConnectInProcess connects to s without a socket. Pass cfg.ClientOptions()
// when the server requires credentials, plus any other option.
func ConnectInProcess(s *server.Server, opts ...nats.Option) (*nats.Conn, error) {
	all := append([]nats.Option{nats.InProcessServer(s), nats.Name("wabridge-inprocess")}, opts...)
	nc, err := nats.Connect("", all...)
	if err != nil {
		return nil, fmt.Errorf("connecting in-process to nats server: %w", err)
	}
	return nc, nil
}
