package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/schemas"
)

// backlogLogEvery is how often the durable backlog is logged while some
// session has commands waiting.
const backlogLogEvery = time.Minute

// commandsPart is the command path: the dispatcher, the rpc server and the
// durable consumer. Its Start returns at once; the streams are ensured and
// the transports started in the background, so REST answers /healthz while
// an external NATS is still unreachable. up is closed once commands are
// taken.
type commandsPart struct {
	cfg      Config
	log      *slog.Logger
	storage  *storagePart
	nats     *natsPart
	outbox   *outboxPart
	sessions *sessionsPart
	chats    *storePart
	mode     cenats.Mode
	subjects natsbus.Subjects
	token    string
	failed   chan<- error
	up       chan struct{}
	observer commands.Observer // metrics.go
	tracing  *tracingPart      // tracing.go

	dispatcher *commands.Dispatcher
	rpc        *transport.RPCServer
	durable    *transport.Durable
	ready      atomic.Bool
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

func (p *commandsPart) Name() string { return "commands" }

func (p *commandsPart) Start(context.Context) error {
	schemaSet, err := schemas.Compiled()
	if err != nil {
		return err
	}
	p.dispatcher, err = commands.NewDispatcher(commands.DispatcherConfig{
		Sessions: sessions{m: p.sessions.manager, reader: p.chats.Reader()},
		DB:       p.storage.db,
		Schemas:  schemaSet,
		Audit:    p.outbox.ob,
		Subjects: p.subjects,
		Lifetime: p.cfg.CommandLifetime,
		Log:      p.log.With("component", "commands"),
		Observer: p.observer,
		Tracing:  p.tracing.tracerProvider(),
	})
	if err != nil {
		return err
	}
	p.rpc, err = transport.NewRPCServer(p.nats.nc, p.dispatcher, p.outbox.ob, transport.RPCConfig{
		Subjects: p.subjects, Sessions: p.cfg.Sessions, Mode: p.mode, InternalSecret: p.token,
	}, p.log.With("component", "rpc"))
	if err != nil {
		return err
	}
	p.durable, err = transport.NewDurable(transport.DurableConfig{URL: p.cfg.NATSURL, Options: p.nats.opts,
		Subjects: p.subjects, Sessions: p.cfg.Sessions,
		// Close waits up to CloseTimeout for running commands and as long
		// again for the router: together within the shutdown budget.
		CloseTimeout: p.cfg.ShutdownWait / 2},
		p.dispatcher, p.outbox.ob, p.log.With("component", "durable"))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.goLoop(func() {
		if err := p.dispatcher.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			p.log.Error("pruning idempotency records stopped", "err", err)
		}
	})
	p.goLoop(func() { p.bringUp(ctx) })
	return nil
}

// bringUp makes sure of the streams and starts taking commands.
func (p *commandsPart) bringUp(ctx context.Context) {
	if err := ensureStreams(ctx, p.nats.js, p.cfg, p.log); err != nil {
		if ctx.Err() == nil {
			p.failed <- err
		}
		return
	}
	if err := p.rpc.Start(); err != nil {
		p.failed <- err
		return
	}
	p.goLoop(func() {
		if err := p.durable.Run(ctx); err != nil && ctx.Err() == nil {
			p.failed <- fmt.Errorf("durable command consumer stopped: %w", err)
		}
	})
	select {
	case <-p.durable.Running():
	case <-ctx.Done():
		return
	}
	p.ready.Store(true)
	close(p.up)
	p.logBacklog(ctx)
}

// logBacklog says, every minute, which sessions have durable commands
// waiting and for how long the oldest has (a stuck session shows here
// before anyone complains).
func (p *commandsPart) logBacklog(ctx context.Context) {
	tick := time.NewTicker(backlogLogEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		backlog, err := p.durable.Backlog(ctx)
		if err != nil {
			p.log.Warn("reading the durable command backlog", "err", err)
			continue
		}
		for session, b := range backlog {
			if b.Pending == 0 {
				continue
			}
			level := slog.LevelInfo
			if b.Oldest > 10*time.Minute {
				level = slog.LevelWarn
			}
			p.log.Log(ctx, level, "durable commands waiting", "session", session, "pending", b.Pending, "oldest_age", b.Oldest.Round(time.Second))
		}
	}
}

func (p *commandsPart) goLoop(f func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
}

// Stop stops taking commands and drains those in flight (rpc answered,
// durable acked with their results recorded or left for redelivery).
//
// Both drain at once, so together they take no longer than the slower.
func (p *commandsPart) Stop(ctx context.Context) error {
	// First end the bring-up, so nothing starts while the rest stops.
	p.cancel()
	durableErr := make(chan error, 1)
	go func() { durableErr <- p.durable.Close() }()
	var errs []error
	if err := p.rpc.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stopping rpc: %w", err))
	}
	if err := <-durableErr; err != nil {
		errs = append(errs, fmt.Errorf("stopping durable consumer: %w", err))
	}
	p.wg.Wait()
	return errors.Join(errs...)
}

func (p *commandsPart) StopBudget() time.Duration { return p.cfg.ShutdownWait }

// Ready reports, per session, the durable commands waiting and the age of
// the oldest.
func (p *commandsPart) Ready(ctx context.Context) (any, error) {
	if !p.ready.Load() {
		return nil, errStarting("starting: JetStream streams and command transports are not up yet")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	backlog, err := p.durable.Backlog(ctx)
	if err != nil {
		// The transports run; only the figures are missing.
		return map[string]any{"backlog_error": err.Error()}, nil
	}
	details := map[string]any{}
	for session, b := range backlog {
		details[session] = map[string]any{"pending": b.Pending, "oldest_age": b.Oldest.Round(time.Millisecond).String()}
	}
	return details, nil
}
