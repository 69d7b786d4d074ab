package metrics

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric of the project.
const Namespace = "wabridge"

// Fixed label values standing in for anything outside a closed catalog.
const (
	UnknownCommand = "unknown"
	OtherCode      = "OTHER"
	OtherType      = "other"
	// CodeOK is the code label of a command that succeeded: results carry
	// no code on success (CONTRACT §5).
	CodeOK = "OK"
)

// DefaultScrapeTimeout bounds the reads of one scrape's state collectors.
const DefaultScrapeTimeout = 5 * time.Second

// Config says what the label catalogs are and where state is read from.
type Config struct {
	// Commands is the command catalog; other names count as UnknownCommand.
	Commands []string
	// Codes are the result codes a command may end with; CodeOK is always
	// one. Other codes count as OtherCode.
	Codes []string
	// EventTypes are the CloudEvents types the outbox may publish (events
	// and command results); others count as OtherType.
	EventTypes []string
	// Outbox, Webhooks and Sessions are read at scrape time; a nil one is
	// not exported.
	Outbox   Outbox
	Webhooks Webhooks
	Sessions Sessions
	// ScrapeTimeout bounds a scrape's reads of Webhooks; default
	// DefaultScrapeTimeout.
	ScrapeTimeout time.Duration
	// Log receives the errors of a scrape whose state could not be read.
	Log *slog.Logger
}

func (c *Config) setDefaults() {
	if c.ScrapeTimeout <= 0 {
		c.ScrapeTimeout = DefaultScrapeTimeout
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Validate reports catalogs that cannot bound the labels.
func (c Config) Validate() error {
	var errs []error
	if len(c.Commands) == 0 {
		errs = append(errs, errors.New("Commands is required"))
	}
	if slices.Contains(c.Commands, UnknownCommand) {
		errs = append(errs, errors.New("a command may not be named "+UnknownCommand))
	}
	return errors.Join(errs...)
}

// Metrics is the registry of the process and its recorders. Its methods
// are safe for concurrent use.
type Metrics struct {
	cfg Config
	reg *prometheus.Registry

	commands   set
	codes      set
	eventTypes set

	commandsTotal   *prometheus.CounterVec
	commandDuration *prometheus.HistogramVec
	eventsPublished *prometheus.CounterVec
	deliveries      *prometheus.CounterVec
}

// New makes the registry with the Go and process collectors, the
// recorders, and a collector for each state source of cfg.
func New(cfg Config) (*Metrics, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, errors.Join(errors.New("configuring metrics"), err)
	}
	m := &Metrics{cfg: cfg, reg: prometheus.NewRegistry(),
		commands: newSet(cfg.Commands), codes: newSet(append([]string{CodeOK}, cfg.Codes...)),
		eventTypes: newSet(cfg.EventTypes)}
	m.commandsTotal, m.commandDuration = newCommandMetrics()
	m.eventsPublished = newEventMetrics()
	m.deliveries = newDeliveryMetrics()
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.commandsTotal, m.commandDuration, m.eventsPublished, m.deliveries,
	}
	if cfg.Outbox != nil {
		cs = append(cs, outboxCollector{src: cfg.Outbox})
	}
	if cfg.Webhooks != nil {
		cs = append(cs, webhookCollector{src: cfg.Webhooks, timeout: cfg.ScrapeTimeout})
	}
	if cfg.Sessions != nil {
		cs = append(cs, sessionCollector{src: cfg.Sessions})
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return nil, errors.Join(errors.New("registering metrics"), err)
		}
	}
	return m, nil
}

// Gatherer is the registry, for tests and for serving it elsewhere.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Handler serves the registry in the Prometheus exposition formats. A
// state source that fails leaves its metrics out of that scrape (and is
// logged) rather than failing the whole scrape: the counters still come.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slogLogger{m.cfg.Log},
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             m.cfg.ScrapeTimeout + time.Second,
	})
}

// slogLogger adapts slog to promhttp's Println logger (the error of a
// source that could not be read, or of writing the answer).
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Println(v ...any) { l.log.Warn("serving metrics", "err", fmt.Sprint(v...)) }

// set is a closed catalog of label values.
type set map[string]struct{}

func newSet(vs []string) set {
	s := make(set, len(vs))
	for _, v := range vs {
		s[v] = struct{}{}
	}
	return s
}

// bound is v when the catalog has it, else other.
func (s set) bound(v, other string) string {
	if _, ok := s[v]; ok {
		return v
	}
	return other
}
