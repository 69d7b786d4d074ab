package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// PublisherConfig tunes a Publisher; zero values take the defaults.
type PublisherConfig struct {
	Mode     cenats.Mode   // content mode on the wire; default binary
	RetryMin time.Duration // first back-off after a failed publish; default 200ms
	RetryMax time.Duration // back-off cap; default 30s
	// Batch is how many entries are read per bbolt transaction; default 256.
	Batch int
	// Window is how many entries of a session are published without
	// waiting for each PubAck (see chain for why order still holds);
	// default 128, 1 publishes one PubAck at a time.
	Window int
	// DurableAfter is how long after its PubAck a message is certainly on
	// the stream's disk; an acknowledged entry stays in the outbox until
	// then, so a power loss of the NATS machine cannot lose it. Default
	// DefaultDurableAfter, which fits the embedded server's default sync
	// interval (take natsbus.ServerConfig.DurableAfter); DurableImmediately
	// (negative) for a server that syncs every write or an R3 stream. For an
	// external single-replica server, its sync_interval plus a margin.
	DurableAfter time.Duration
	// DeleteEvery and DeleteAfter group deletions: durable entries are
	// deleted once DeleteEvery of them are due, or once the oldest has been
	// due for DeleteAfter; defaults 256 and 100ms. What a crash leaves
	// undeleted is published again and stored once only within the stream's
	// dedup window, so smaller is safer and larger saves fsyncs.
	DeleteEvery int
	DeleteAfter time.Duration
	// Interval is how often the outbox is looked at without being woken by
	// Emit (entries left by an earlier process, a missed signal); default 1s.
	Interval time.Duration
	// PublishTimeout bounds the wait for one PubAck; default 5s.
	PublishTimeout time.Duration
	// PruneEvery is how often the emitted ledger is pruned while Run runs;
	// default 1h.
	PruneEvery time.Duration
	// Observer, when set, is told of each event newly stored (metrics).
	Observer Observer
}

func (c *PublisherConfig) setDefaults() {
	if c.RetryMin <= 0 {
		c.RetryMin = 200 * time.Millisecond
	}
	if c.RetryMax < c.RetryMin {
		c.RetryMax = max(30*time.Second, c.RetryMin)
	}
	if c.Batch <= 0 {
		c.Batch = 256
	}
	if c.Window <= 0 {
		c.Window = 128
	}
	if c.DurableAfter == 0 {
		c.DurableAfter = DefaultDurableAfter
	}
	if c.DeleteEvery <= 0 {
		c.DeleteEvery = 256
	}
	if c.DeleteAfter <= 0 {
		c.DeleteAfter = 100 * time.Millisecond
	}
	if c.Interval <= 0 {
		c.Interval = time.Second
	}
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 5 * time.Second
	}
	if c.PruneEvery <= 0 {
		c.PruneEvery = time.Hour
	}
}

// DefaultDurableAfter is natsbus.DefaultSyncInterval plus a margin: what
// the embedded server needs unless configured otherwise.
const DefaultDurableAfter = 2 * time.Second

// streamPublisher is the part of JetStream the publisher uses.
type streamPublisher interface {
	PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error)
}

// Publisher drains an Outbox into JetStream with Nats-Msg-Id = CloudEvent
// id, so a re-published entry is stored once. Each session's queue has its
// own lane (goroutine), publishing oldest first, one PubAck at a time; so
// order holds per session (and so per chat), and a session whose publishes
// fail (a NATS permission on its subjects, a huge backlog) holds back only
// itself.
//
// Acknowledged entries stay until DurableAfter has passed, then are
// deleted in small chunks, so bbolt fsyncs once per chunk, not per event.
// A clean stop saves how far each lane got, so the next Run waits out
// their DurableAfter instead of publishing them again.
//
// An entry the server refuses as too large can never be stored; it is moved
// to the outbox_dead bucket and logged, so it cannot hold back every later
// event. Any other failure keeps the entry at the head and is retried.
type Publisher struct {
	ob  *Outbox
	js  streamPublisher
	cfg PublisherConfig
	log *slog.Logger
	now func() time.Time

	running atomic.Bool
	mu      sync.Mutex
	// progress is closed, and replaced, whenever entries leave the outbox.
	progress chan struct{}
	// lanes are the running lanes by session.
	lanes map[string]*lane
}

// NewPublisher creates a publisher of ob's entries to js. Only one publisher
// may run per outbox.
func NewPublisher(ob *Outbox, js jetstream.JetStream, cfg PublisherConfig, log *slog.Logger) *Publisher {
	cfg.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{ob: ob, js: js, cfg: cfg, log: log, now: time.Now, progress: make(chan struct{}), lanes: map[string]*lane{}}
}

// Run publishes until ctx ends, then returns nil once every lane stopped.
// Nothing is dropped, only set aside in outbox_dead when it certainly can
// never be published.
func (p *Publisher) Run(ctx context.Context) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("outbox publisher is already running")
	}
	defer p.running.Store(false)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { p.pruneLoop(ctx) })
	defer p.forgetLanes()
	tick := time.NewTicker(p.cfg.Interval)
	defer tick.Stop()
	for {
		sessions, err := p.ob.sessions()
		if err != nil {
			p.log.Warn("listing outbox queues failed; retrying", "err", err)
		}
		for _, s := range sessions {
			if l := p.startLane(s); l != nil {
				wg.Go(func() { l.run(ctx) })
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-p.ob.added:
		case <-tick.C:
		}
	}
}

// startLane registers a lane for session unless one runs; nil if it does.
func (p *Publisher) startLane(session string) *lane {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.lanes[session]; ok {
		return nil
	}
	l := p.newLane(session)
	p.lanes[session] = l
	return l
}

func (p *Publisher) forgetLanes() {
	p.mu.Lock()
	p.lanes = map[string]*lane{}
	p.mu.Unlock()
}

// nudge cuts every lane's back-off or wait short.
func (p *Publisher) nudge() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.lanes {
		notify(l.flushing)
	}
	notify(p.ob.added)
}

// pruneLoop prunes the emitted ledger now and every PruneEvery until ctx ends.
func (p *Publisher) pruneLoop(ctx context.Context) {
	t := time.NewTicker(p.cfg.PruneEvery)
	defer t.Stop()
	for {
		if n, err := p.ob.PruneEmitted(p.now()); err != nil {
			p.log.Warn("pruning the emitted ledger failed", "err", err)
		} else if n > 0 {
			p.log.Debug("pruned the emitted ledger", "ids", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// advanced wakes every Flush waiting for entries to leave.
func (p *Publisher) advanced() {
	p.mu.Lock()
	close(p.progress)
	p.progress = make(chan struct{})
	p.mu.Unlock()
}

func (p *Publisher) progressed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.progress
}

// Flush waits until JetStream has acknowledged every entry (of every
// session's queue) or set it aside, for a clean shutdown, or until ctx
// ends. Run must be running meanwhile. It does not wait for acknowledged
// entries to become durable (DurableAfter): stopping Run then saves how far
// each lane got, and the next Run deletes them when their time comes
// instead of publishing them again.
func (p *Publisher) Flush(ctx context.Context) error {
	for {
		ch := p.progressed()
		n, err := p.ob.Unpublished()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		p.nudge()
		// Attempt again at least every half second while flushing,
		// whatever back-off the publisher had reached.
		t := time.NewTimer(min(p.cfg.RetryMin, 500*time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("flushing outbox: %d entries not yet published: %w", n, ctx.Err())
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
}
