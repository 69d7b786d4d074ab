package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Durable consumes wa.<session>.cmd.<name> of the configured sessions from
// JetStream through a Watermill router: each command is dispatched and
// acked once the dispatcher has a final result for it (which the dispatcher
// records). A transient failure is handed back to JetStream for a later
// redelivery, until the command's lifetime ends it with EXPIRED; an internal
// error is first retried in-process. Only input the transport itself cannot
// handle goes to the poison subject.
//
// Each session's consumer is created explicitly (see consumerConfig) and
// the subscription only binds to it: nothing Durable does at stop deletes
// it, so a restart resumes where the last run acked.
type Durable struct {
	cfg     DurableConfig
	ex      Executor
	results ResultSink
	log     *slog.Logger

	subConn *nats.Conn // owned by sub once sub exists
	js      jetstream.JetStream
	sub     *wmjs.Subscriber
	pub     *wmnats.Publisher // poison queue
	router  *message.Router
	gate    gate
	// base is the parent of every command context; it is cancelled only
	// after Close stopped waiting, so a shutdown lets commands finish.
	base   context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	ran      bool
	closed   bool
	closeErr error
}

// NewDurable connects to NATS and prepares the router; Run creates the
// consumers and starts consuming.
func NewDurable(cfg DurableConfig, ex Executor, results ResultSink, log *slog.Logger) (*Durable, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if ex == nil || results == nil || log == nil {
		return nil, errors.New("durable: executor, result sink and logger are required")
	}
	base, cancel := context.WithCancel(context.Background())
	d := &Durable{cfg: cfg, ex: ex, results: results, log: log, base: base, cancel: cancel}
	// Watermill reports every start and stop at info; that is our debug.
	wlog := watermill.NewSlogLoggerWithLevelMapping(log.With("component", "watermill"),
		map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	if err := d.build(wlog); err != nil {
		cancel()
		return nil, err
	}
	return d, nil
}

func (d *Durable) build(wlog watermill.LoggerAdapter) error {
	var err error
	// The subscriber's connection is ours too: Run creates the consumers
	// on it and Backlog reads them; the subscriber drains it when it closes.
	if d.subConn, err = nats.Connect(d.cfg.URL, d.cfg.Options...); err != nil {
		return fmt.Errorf("connecting command subscriber: %w", err)
	}
	if d.js, err = jetstream.New(d.subConn); err != nil {
		d.subConn.Close()
		return fmt.Errorf("opening JetStream for commands: %w", err)
	}
	if d.sub, err = wmjs.NewSubscriber(d.subscriberConfig(wlog)); err != nil {
		d.subConn.Close()
		return fmt.Errorf("creating command subscriber: %w", err)
	}
	if d.pub, err = wmnats.NewPublisher(d.publisherConfig(), wlog); err != nil {
		_ = d.sub.Close()
		return fmt.Errorf("creating poison publisher: %w", err)
	}
	if d.router, err = d.newRouter(wlog); err != nil {
		_ = d.sub.Close()
		_ = d.pub.Close()
		return err
	}
	return nil
}

var _ wmjs.Delay = redeliveryBackoff{}

func (d *Durable) subscriberConfig(wlog watermill.LoggerAdapter) wmjs.SubscriberConfig {
	c := d.cfg
	return wmjs.SubscriberConfig{
		Conn:           d.subConn,
		Logger:         wlog,
		AckWaitTimeout: c.AckWait,
		// Bind to the consumer Run created; never create or delete one.
		ResourceInitializer: d.bindConsumer,
		// The subscriber naks every nacked message with this delay,
		// computed from JetStream's delivery count.
		NakDelay:    redeliveryBackoff{first: c.RedeliveryDelay, max: c.RedeliveryMaxDelay},
		Unmarshaler: headerCodec{},
		// A client holds no more than the server lets it have unacked,
		// so nothing waits in a buffer while its AckWait runs.
		// A pull request that reached the server while the consumer was
		// at MaxAckPending can be answered with nothing: the client then
		// waits for the pull's expiry before asking again (30 s by
		// default), and the session's next command waits with it. A short
		// expiry bounds that stall.
		ConsumeOptions: []jetstream.PullConsumeOpt{jetstream.PullMaxMessages(c.MaxAckPending), jetstream.PullExpiry(pullExpiry)},
	}
}

// pullExpiry is how long one pull request of the durable consumers waits
// on the server (nats.go's minimum is 1 s; its heartbeat is derived from it).
const pullExpiry = 2 * time.Second

// topic is the subject filter of one session's commands.
func (d *Durable) topic(session string) string { return d.cfg.Subjects.Cmd(session, ">") }

func (d *Durable) publisherConfig() wmnats.PublisherConfig {
	return wmnats.PublisherConfig{
		URL:         d.cfg.URL,
		NatsOptions: d.cfg.Options,
		Marshaler:   headerCodec{},
		JetStream: wmnats.JetStreamConfig{
			PublishOptions: []nats.PubOpt{nats.ExpectStream(d.cfg.Stream)},
		},
	}
}

func (d *Durable) newRouter(wlog watermill.LoggerAdapter) (*message.Router, error) {
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: d.cfg.CloseTimeout}, wlog)
	if err != nil {
		return nil, fmt.Errorf("creating command router: %w", err)
	}
	poison, err := middleware.PoisonQueueWithFilter(d.pub, d.cfg.Subjects.Poison(), isPoison)
	if err != nil {
		return nil, fmt.Errorf("creating poison queue: %w", err)
	}
	retry := middleware.Retry{
		MaxRetries:      d.cfg.MaxRetries,
		InitialInterval: d.cfg.RetryInterval,
		MaxInterval:     d.cfg.RetryMaxInterval,
		Multiplier:      2,
		// Matches the ±50% retryBudget allows for.
		RandomizationFactor: 0.5,
		ShouldRetry:         d.shouldRetry,
		Logger:              wlog,
	}
	// First added runs outermost: admission, then the poison queue, then
	// the decision what the retries' outcome means (redelivery or
	// poison), around the retries, with panics turned into errors
	// innermost.
	r.AddMiddleware(d.admit, poison, d.settle, retry.Middleware, middleware.Recoverer)
	for _, session := range d.cfg.Sessions {
		// Each handler pulls one command at a time: Concurrency handlers
		// of a session share its consumer.
		for i := range d.cfg.Concurrency {
			r.AddConsumerHandler(fmt.Sprintf("commands-%s-%d", session, i), d.topic(session), d.sub, d.handle)
		}
	}
	return r, nil
}

// Running is closed once the consumer is subscribed; it stays open when
// Run fails to start.
func (d *Durable) Running() <-chan struct{} { return d.router.Running() }

// Run consumes commands until ctx ends or Close is called; either way it
// returns once in-flight commands are finished (or CloseTimeout passed).
func (d *Durable) Run(ctx context.Context) error {
	d.mu.Lock()
	if d.ran || d.closed {
		d.mu.Unlock()
		return errors.New("durable: Run called twice or after Close")
	}
	d.ran = true
	d.mu.Unlock()
	// Subscribing to a missing stream or consumer would fail inside the
	// router in a way that leaves the subscriber unable to close; create
	// the consumers (which needs the stream) before that.
	if err := d.ensureConsumers(ctx); err != nil {
		return d.routerStopped(err)
	}

	errc := make(chan error, 1)
	// The router must not see ctx: its cancellation would cut in-flight
	// commands off from their acks instead of letting Close drain them.
	go func() { errc <- d.router.Run(context.WithoutCancel(ctx)) }()
	select {
	case err := <-errc:
		return d.routerStopped(err)
	case <-ctx.Done():
		closeErr := d.Close()
		return errors.Join(<-errc, closeErr)
	}
}

// routerStopped handles the router ending by itself: it failed to start
// or every subscription ended (for example, the connection closed).
func (d *Durable) routerStopped(err error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return err
	}
	d.closed = true
	d.cancel()
	// Not d.sub.Close: the router may have failed before its
	// subscriptions existed; closing the connection ends whatever did.
	d.subConn.Close()
	d.closeErr = d.pub.Close()
	if err != nil {
		return fmt.Errorf("running command router: %w", err)
	}
	return errors.New("durable: command router stopped by itself")
}

// Close stops taking commands, waits for those being handled (each ends
// acked with its result recorded, or unacked and later redelivered), and
// closes the connections. It is safe to call more than once.
func (d *Durable) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return d.closeErr
	}
	d.closed = true
	var errs []error
	if !d.gate.close(d.cfg.CloseTimeout) {
		// Tell the stragglers to stop, so the router's own wait below
		// ends soon; their messages stay unacked and come back later.
		d.cancel()
		errs = append(errs, errors.New("durable: commands still running at CloseTimeout will be redelivered"))
	}
	if d.ran {
		errs = append(errs, d.router.Close())
	} else {
		errs = append(errs, d.sub.Close())
	}
	d.cancel()
	errs = append(errs, d.pub.Close())
	d.closeErr = errors.Join(errs...)
	return d.closeErr
}
