package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// DefaultQueue is the queue group the RPC servers of all bridge processes
// share, so each request is answered once.
const DefaultQueue = "wabridge"

// RPCConfig configures an RPCServer.
type RPCConfig struct {
	Subjects natsbus.Subjects
	// Sessions are the sessions this process runs; the server subscribes
	// to wa.<session>.rpc.> of each and nothing else, so a process never
	// answers for a session another process owns. Required.
	Sessions []string
	// Queue is the NATS queue group; default DefaultQueue.
	Queue string
	// Mode is the content mode of replies; the zero value is cenats' default.
	Mode cenats.Mode
	// MaxConcurrent bounds the requests of one session handled at once;
	// default 64.
	MaxConcurrent int
	// Timeout bounds the execution of one command; default 30s.
	Timeout time.Duration
	// InternalSecret is the secret the REST adapters of the deployment sign
	// their commands with (natsbus.Sign, sent in natsbus.HeaderInternal): a
	// request with a valid signature is Trusted (may use sources under
	// /wabridge/). Every process sharing the NATS must have the same one.
	// Empty: no request is trusted. Never logged.
	InternalSecret string
}

func (c *RPCConfig) setDefaults() {
	if c.Queue == "" {
		c.Queue = DefaultQueue
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = 64
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
}

// Validate reports every invalid field.
func (c RPCConfig) Validate() error {
	errs := validateSessions("rpc", c.Sessions)
	if c.MaxConcurrent < 1 {
		errs = append(errs, fmt.Errorf("rpc: MaxConcurrent must be positive, got %d", c.MaxConcurrent))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("rpc: Timeout must not be negative, got %s", c.Timeout))
	}
	if c.InternalSecret != "" && len(c.InternalSecret) < natsbus.MinSecretLen {
		errs = append(errs, fmt.Errorf("rpc: InternalSecret must be at least %d bytes, got %d", natsbus.MinSecretLen, len(c.InternalSecret)))
	}
	return errors.Join(errs...)
}

// RPCServer answers wa.<session>.rpc.<name> requests with result CloudEvents.
type RPCServer struct {
	nc      *nats.Conn
	ex      Executor
	results ResultSink
	cfg     RPCConfig
	log     *slog.Logger

	// Each session's handler slots (made in Start) bound its concurrent
	// handlers; a request finding them full is answered BUSY at once, so
	// nothing waits in a queue for a caller that may have given up.
	inflight sync.WaitGroup
	// base is the parent of every command context; it is cancelled only
	// when Shutdown runs out of time, so draining lets commands finish.
	base   context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	subs    []*nats.Subscription
	stopped bool
}

// NewRPCServer returns a server that, once started, serves requests on nc.
func NewRPCServer(nc *nats.Conn, ex Executor, results ResultSink, cfg RPCConfig, log *slog.Logger) (*RPCServer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if nc == nil || ex == nil || results == nil || log == nil {
		return nil, errors.New("rpc: connection, executor, result sink and logger are required")
	}
	base, cancel := context.WithCancel(context.Background())
	return &RPCServer{
		nc: nc, ex: ex, results: results, cfg: cfg, log: log,
		base: base, cancel: cancel,
	}, nil
}

// Start subscribes to the rpc subjects of each configured session in the
// queue group. The subscriptions are known to the server when Start returns.
func (s *RPCServer) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errors.New("rpc: server was shut down")
	}
	if s.subs != nil {
		return errors.New("rpc: server already started")
	}
	subs := make([]*nats.Subscription, 0, len(s.cfg.Sessions))
	unsubscribe := func() {
		for _, sub := range subs {
			_ = sub.Unsubscribe()
		}
	}
	for _, session := range s.cfg.Sessions {
		subject := s.cfg.Subjects.RPC(session, ">")
		// Each session has its own handler slots: a session whose
		// WhatsApp link hangs cannot take the others' capacity.
		sem := make(chan struct{}, s.cfg.MaxConcurrent)
		sub, err := s.nc.QueueSubscribe(subject, s.cfg.Queue, func(m *nats.Msg) { s.onMsg(m, sem) })
		if err != nil {
			unsubscribe()
			return fmt.Errorf("subscribing to %s: %w", subject, err)
		}
		subs = append(subs, sub)
	}
	if err := s.nc.Flush(); err != nil {
		unsubscribe()
		return fmt.Errorf("flushing rpc subscriptions: %w", err)
	}
	s.subs = subs
	s.log.Info("rpc server started", "sessions", s.cfg.Sessions, "queue", s.cfg.Queue)
	return nil
}

// Shutdown stops taking requests: it drains the subscription (requests
// already delivered are still handled) and waits for every handler. When ctx
// ends first, running commands are cancelled and ctx's error returned.
func (s *RPCServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	subs := s.subs
	s.subs, s.stopped = nil, true
	s.mu.Unlock()
	defer s.cancel()
	if subs == nil {
		return nil
	}
	if err := drainAll(ctx, subs); err != nil {
		return err
	}
	// No callback runs any more, so nothing adds to inflight from here on.
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
		s.log.Info("rpc server stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for rpc handlers: %w", ctx.Err())
	}
}

// onMsg runs on the subscription's goroutine: it takes one of its
// session's handler slots and hands the request over, or, with every slot
// taken, answers BUSY at once: the callback never blocks, so no request
// waits unboundedly behind a hung session.
func (s *RPCServer) onMsg(m *nats.Msg, sem chan struct{}) {
	if s.base.Err() != nil {
		return // shut down for good; the requester times out
	}
	select {
	case sem <- struct{}{}:
	default:
		s.busy(m)
		return
	}
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		defer func() { <-sem }()
		s.handle(m)
	}()
}

// drainAll drains every subscription at once and waits until all are
// closed, so no callback runs any more when it returns nil.
func drainAll(ctx context.Context, subs []*nats.Subscription) error {
	closed := make([]<-chan nats.SubStatus, len(subs))
	var errs []error
	for i, sub := range subs {
		closed[i] = sub.StatusChanged(nats.SubscriptionClosed)
		if err := sub.Drain(); err != nil {
			errs = append(errs, fmt.Errorf("draining rpc subscription %s: %w", sub.Subject, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for i, sub := range subs {
		select {
		case <-closed[i]:
		case <-ctx.Done():
			return fmt.Errorf("draining rpc subscription %s: %w", sub.Subject, ctx.Err())
		}
	}
	return nil
}
