package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wabridge/wabridge/events/outbox"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/store"
)

// storagePart is the data directory (made 0700) and its bbolt file.
type storagePart struct {
	cfg Config
	db  *store.DB
}

func (p *storagePart) Name() string { return "storage" }

func (p *storagePart) Start(context.Context) error {
	db, err := store.Open(p.cfg.DataDir)
	if err != nil {
		return err
	}
	p.db = db
	return nil
}

func (p *storagePart) Stop(context.Context) error { return p.db.Close() }

// outboxPart is the outbox and the publisher draining it into JetStream. At
// stop it is flushed; what remains is published at the next start.
type outboxPart struct {
	cfg      Config
	log      *slog.Logger
	storage  *storagePart
	nats     *natsPart
	mode     cenats.Mode
	subjects natsbus.Subjects
	observer outbox.Observer // metrics.go

	ob     *outbox.Outbox
	pub    *outbox.Publisher
	cancel context.CancelFunc
	done   chan struct{}
}

func (p *outboxPart) Name() string { return "outbox" }

func (p *outboxPart) Start(context.Context) error {
	// Entries larger than the server takes are refused at Emit/Put, while the
	// caller can still see the error. The limit is read at each Put: it is 0
	// until an external server has been reached (the outbox then applies
	// its default), the server's max_payload after.
	ob, err := outbox.New(p.storage.db, p.subjects, outbox.WithMaxMessageBytesFunc(p.nats.nc.MaxPayload),
		outbox.WithEmittedHorizon(p.cfg.EmittedHorizon), outbox.WithContentMode(p.mode))
	if err != nil {
		return err
	}
	p.ob = ob
	p.pub = outbox.NewPublisher(ob, p.nats.js, outbox.PublisherConfig{Mode: p.mode, DurableAfter: p.nats.durableAfter, Observer: p.observer}, p.log)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go func() {
		defer close(p.done)
		if err := p.pub.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			p.log.Error("publisher stopped", "err", err)
		}
	}()
	return nil
}

func (p *outboxPart) Stop(ctx context.Context) error {
	defer func() { p.cancel(); <-p.done }()
	if err := p.pub.Flush(ctx); err != nil {
		n, _ := p.ob.Unpublished()
		p.log.Warn("outbox not empty at shutdown; it is published at the next start", "unpublished", n, "err", err)
	}
	return nil
}

func (p *outboxPart) StopBudget() time.Duration { return p.cfg.ShutdownWait }

// Ready fails while the oldest unpublished entry is older than
// --outbox-max-age: events are not reaching the stream.
func (p *outboxPart) Ready(context.Context) (any, error) {
	age, n, err := p.ob.Oldest()
	if err != nil {
		return nil, err
	}
	details := map[string]any{"entries": n, "oldest_age": age.Round(time.Millisecond).String()}
	if p.cfg.OutboxMaxAge > 0 && age > p.cfg.OutboxMaxAge {
		return details, fmt.Errorf("the oldest unpublished event waits for %s (limit %s)", age.Round(time.Second), p.cfg.OutboxMaxAge)
	}
	return details, nil
}
