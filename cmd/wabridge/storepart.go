package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// storePart is the chat and message store (SQLite in the data directory)
// and its projector, a durable consumer of the events stream.
type storePart struct {
	cfg  Config
	log  *slog.Logger
	nats *natsPart

	store  *chatstore.Store
	proj   *chatstore.Projector
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	running bool
	lastErr error
}

func (p *storePart) Name() string { return "chatstore" }

func (p *storePart) Start(ctx context.Context) error {
	s, err := chatstore.Open(ctx, chatstore.Config{Dir: p.cfg.DataDir, Log: p.log})
	if err != nil {
		return err
	}
	proj, err := s.NewProjector(p.nats.js, chatstore.ProjectConfig{
		Subjects: natsbus.Subjects{Prefix: p.cfg.Prefix},
		Sessions: p.cfg.Sessions,
		Log:      p.log,
	})
	if err != nil {
		s.Close()
		return err
	}
	p.store, p.proj = s, proj
	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.project(runCtx)
	return nil
}

// project runs the projector, starting it again after a failure (NATS not
// reachable yet, the consumer not creatable) until the part stops.
func (p *storePart) project(ctx context.Context) {
	defer close(p.done)
	for delay := time.Second; ctx.Err() == nil; delay = min(2*delay, 30*time.Second) {
		p.setState(true, nil)
		err := p.proj.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		p.setState(false, err)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			// A fresh start: the command path creates the streams a moment
			// after this part started.
			p.log.Info("chat store waits for the events stream", "in", delay)
		} else {
			p.log.Error("chat store projector stopped; starting it again", "err", err, "in", delay)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func (p *storePart) setState(running bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running, p.lastErr = running, err
}

func (p *storePart) Stop(context.Context) error {
	p.cancel()
	<-p.done
	return p.store.Close()
}

// Ready fails while the projector is not running; its details say how far
// the store is behind the stream.
func (p *storePart) Ready(context.Context) (any, error) {
	seq, pending := p.proj.Lag()
	details := map[string]any{"applied_seq": seq, "pending": pending}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		err := p.lastErr
		if err == nil {
			err = errors.New("not started")
		}
		return details, fmt.Errorf("chat store projector: %w", err)
	}
	return details, nil
}

// Reader is the store's read side, for the chat.list and chat.messages
// commands. Valid once the part started.
func (p *storePart) Reader() chatview.Reader { return p.store }
