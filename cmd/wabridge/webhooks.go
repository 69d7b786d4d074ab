package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/webhooks"
)

// webhooksKey is the config file's list of webhooks (CONTRACT §10).
const webhooksKey = "webhooks"

// applyWebhooks reads the config file's webhooks: list; unknown fields are
// refused like unknown keys, so a misspelt filter never widens a webhook.
func (c *Config) applyWebhooks(v any) error {
	raw, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("key %s: %w", webhooksKey, err)
	}
	var defs []webhooks.Definition
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&defs); err != nil {
		return fmt.Errorf("key %s: %w", webhooksKey, err)
	}
	c.Webhooks = defs
	return nil
}

func (c Config) validateWebhooks() error {
	var errs []error
	for i, d := range c.Webhooks {
		if err := webhooks.CheckDeclared(d); err != nil {
			errs = append(errs, fmt.Errorf("webhook %d (%s): %w", i+1, d.URL, err))
		}
	}
	if err := webhooks.CheckNodeID(c.NodeID); err != nil {
		errs = append(errs, err)
	}
	if c.WebhookAckWait < time.Second || c.WebhookBackoffMin <= 0 || c.WebhookBackoffMin > c.WebhookBackoffMax {
		errs = append(errs, errors.New("webhook-ack-wait must be at least 1s and 0 < webhook-backoff-min ≤ webhook-backoff-max"))
	}
	return errors.Join(errs...)
}

// webhooksPart delivers the webhooks (events → HTTP receivers). Its
// service exists from the start so REST can serve /webhooks at once; it
// reaches JetStream in the background (an external NATS may not be
// reachable yet), then declares the config file's webhooks.
type webhooksPart struct {
	cfg      Config
	log      *slog.Logger
	nats     *natsPart
	subjects natsbus.Subjects
	observer webhooks.Observer // metrics.go

	svc    *webhooks.Service
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	up      bool
	lastErr error
}

func (p *webhooksPart) Name() string { return "webhooks" }

func (p *webhooksPart) Start(context.Context) error {
	svc, err := webhooks.New(webhooks.Config{JS: p.nats.js, Subjects: p.subjects, Log: p.log,
		AckWait: p.cfg.WebhookAckWait, BackoffMin: p.cfg.WebhookBackoffMin, BackoffMax: p.cfg.WebhookBackoffMax,
		Observer: p.observer, NodeID: nodeID(p.cfg.NodeID)})
	if err != nil {
		return err
	}
	p.svc = svc
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.bringUp(ctx)
	return nil
}

func (p *webhooksPart) bringUp(ctx context.Context) {
	defer close(p.done)
	started := false
	for delay := 250 * time.Millisecond; ctx.Err() == nil; delay = min(2*delay, 30*time.Second) {
		var err error
		if !started {
			err = p.svc.Start(ctx)
			started = err == nil
		}
		if started {
			err = p.svc.Declare(ctx, p.cfg.Webhooks)
		}
		p.setState(err == nil, err)
		if err == nil {
			return
		}
		p.log.Warn("webhooks not started yet; trying again", "err", err, "in", delay)
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
	}
}

func (p *webhooksPart) setState(up bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up, p.lastErr = up, err
}

func (p *webhooksPart) Stop(ctx context.Context) error {
	p.cancel()
	<-p.done
	return p.svc.Stop(ctx)
}

// Ready fails until the webhooks bucket is reached and the config file's
// webhooks are declared.
func (p *webhooksPart) Ready(context.Context) (any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		err := p.lastErr
		if err == nil {
			err = errors.New("starting")
		}
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return nil, nil
}

// nodeID is the configured node id, else host name and process id: the
// same name in the log, the leases and GET /webhooks for one process.
func nodeID(configured string) string {
	if configured != "" {
		return configured
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "wabridge"
	}
	if len(host) > 100 { // within webhooks.CheckNodeID's bound
		host = host[:100]
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}
