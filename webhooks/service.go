package webhooks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/werr"
)

// Service keeps the webhooks of the KV bucket delivering: it watches the
// bucket and runs one runner (the durable consumer and its delivery
// engine) for each enabled webhook, starting and stopping them as the set
// changes; of the nodes sharing the bucket, the one holding a webhook's
// lease runs its runner (lease.go).
type Service struct {
	cfg  Config
	fast bool // runners post plain HTTP with a fastPoster: no Config.Client was given
	kv   jetstream.KeyValue
	dead jetstream.Stream

	started atomic.Bool // kv, dead and leases are set
	leases  *leases
	leaseKV func(jetstream.KeyValue) jetstream.KeyValue // tests only: wraps the lease bucket

	// runMu serializes starting and stopping runners: the watch applying
	// a change and the lease keepers gaining or losing a lease.
	runMu sync.Mutex

	mu      sync.Mutex
	runners map[string]*runner
	redrive map[string]*redriveRun
	// deletions are Deletes waiting for this node's watch to apply them.
	deletions map[string][]chan struct{}
	root      context.Context // ends at Stop; redrives run under it
	wg        sync.WaitGroup  // redrives
	cancel    context.CancelFunc
	done      chan struct{}
}

// New checks cfg; Start makes the bucket and streams and starts delivering.
func New(cfg Config) (*Service, error) {
	// A client of the caller's makes every delivery; without one, plain
	// HTTP goes through fastPoster.
	custom := cfg.Client != nil
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, fast: !custom, runners: map[string]*runner{}, redrive: map[string]*redriveRun{},
		deletions: map[string][]chan struct{}{}}, nil
}

// post makes one delivery attempt of d to url.
func (r *runner) post(ctx context.Context, url string, d Delivery, keys [][]byte) (int, time.Duration, error) {
	if r.fast != nil && r.fast.handles(url) {
		return r.fast.post(ctx, url, d, keys, time.Now())
	}
	return d.Post(ctx, r.svc.cfg.Client, url, keys)
}

// Start creates (or updates) the KV bucket and the dead-letter stream and
// starts watching the bucket. WA_EVENTS must exist for runners to start;
// until it does they retry.
func (s *Service) Start(ctx context.Context) error {
	kv, err := s.cfg.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: s.cfg.bucket(), Description: "wabridge webhooks", History: 1,
		Storage: jetstream.FileStorage, Replicas: s.cfg.Replicas,
	})
	if err != nil {
		return fmt.Errorf("creating the webhooks bucket: %w", err)
	}
	dead, err := s.cfg.JS.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: s.cfg.deadStream(), Description: "wabridge webhook dead letters",
		Subjects: []string{s.cfg.deadSubject("*")}, Storage: jetstream.FileStorage,
		Replicas: s.cfg.Replicas, MaxAge: s.cfg.DeadLetterMaxAge, Duplicates: minDuration(s.cfg.DeadLetterMaxAge, DefaultDedup),
		// Bounded in bytes too: a receiver failing for weeks under a busy
		// account must not fill the disk; the oldest dead letters go first.
		MaxBytes: s.cfg.DeadLetterMaxBytes, Discard: jetstream.DiscardOld,
	})
	if err != nil {
		return fmt.Errorf("creating the webhook dead-letter stream: %w", err)
	}
	if err := s.startLeases(ctx); err != nil {
		return err
	}
	s.kv, s.dead = kv, dead
	s.started.Store(true)
	w, err := kv.WatchAll(context.Background())
	if err != nil {
		return fmt.Errorf("watching the webhooks bucket: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.root, s.cancel, s.done = runCtx, cancel, make(chan struct{})
	s.mu.Unlock()
	go s.watch(runCtx, w)
	return nil
}

// Stop stops every runner; consumers stay, so delivery resumes where it
// stopped at the next start.
func (s *Service) Stop(ctx context.Context) error {
	if s.cancel == nil {
		return nil
	}
	s.cancel()
	select {
	case <-s.done:
	case <-ctx.Done():
		return fmt.Errorf("stopping webhooks: %w", ctx.Err())
	}
	s.wg.Wait()
	s.runMu.Lock() // no lease keeper starts a runner after this
	s.mu.Lock()
	runners := s.runners
	s.runners = map[string]*runner{}
	s.mu.Unlock()
	s.runMu.Unlock()
	var errs []error
	for _, r := range runners {
		errs = append(errs, r.stop(ctx))
	}
	// Only once every runner stopped: another node may take over at once.
	errs = append(errs, s.leases.release(ctx))
	return errors.Join(errs...)
}

// watch applies every change of the bucket to the runners.
func (s *Service) watch(ctx context.Context, w jetstream.KeyWatcher) {
	defer close(s.done)
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				s.cfg.Log.Error("the webhooks bucket's watch ended; webhooks no longer follow changes")
				return
			}
			if e != nil { // nil marks the end of the initial values
				s.apply(ctx, e)
			}
		}
	}
}

func (s *Service) apply(ctx context.Context, e jetstream.KeyValueEntry) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	id := e.Key()
	if e.Operation() != jetstream.KeyValuePut {
		s.stopRunner(ctx, id)
		s.leases.drop(id)
		s.stopRedrive(ctx, id)
		s.forget(id) // its delivery has ended here: no outcome follows
		s.deletionApplied(id)
		return
	}
	w, err := decodeWebhook(e.Value())
	if err != nil {
		s.cfg.Log.Error("a stored webhook does not decode; it is not delivered", "webhook", id, "err", err)
		s.stopRunner(ctx, id)
		s.leases.drop(id)
		return
	}
	s.mu.Lock()
	cur := s.runners[id]
	s.mu.Unlock()
	if cur != nil && s.updateInPlace(cur, w, e.Revision()) {
		return
	}
	s.stopRunner(ctx, id)
	if w.Disabled {
		s.leases.drop(id)
		s.stopRedrive(ctx, id)
		return
	}
	if s.holds(id) { // else its keeper starts the runner once it holds the lease
		s.startRunner(w, e.Revision())
	}
}

// updateInPlace gives the running runner w's settings when its consumer
// stays the same, and reports whether it did. A restart would hand back
// the events in flight, and the new runner would hold every event until
// those (and acks still in flight) came back, up to twice the ack wait:
// a secret rotation would stall delivery for that long.
func (s *Service) updateInPlace(cur *runner, w Webhook, revision uint64) bool {
	if cur.settings().revision >= revision {
		return true // taken already (from Rotate), or older than what runs
	}
	if w.Disabled || !cur.sameConsumer(w) || cur.ended() {
		return false
	}
	// Settings that do not parse: the restart logs why the webhook cannot run.
	return cur.update(w, revision) == nil
}

func (s *Service) stopRunner(ctx context.Context, id string) {
	s.mu.Lock()
	r := s.runners[id]
	delete(s.runners, id)
	s.mu.Unlock()
	if r != nil {
		if err := r.stop(ctx); err != nil {
			s.cfg.Log.Warn("stopping a webhook's delivery", "webhook", id, "err", err)
		}
	}
}

func (s *Service) runner(id string) *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runners[id]
}

func minDuration(a, b time.Duration) time.Duration { return min(a, b) }

// errNotStarted answers calls before Start succeeded (NATS not reached yet).
var errNotStarted = werr.New(werr.KindNotConnected, werr.CodeNotConnected, "webhooks are not ready yet: JetStream is not reachable")

func (s *Service) checkStarted() error {
	if !s.started.Load() {
		return errNotStarted
	}
	return nil
}
