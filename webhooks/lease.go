package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// One node delivers each webhook. Every node watches the webhooks bucket
// and keeps, for each enabled webhook, a lease keeper; the keeper that
// holds the webhook's key in the lease bucket runs its runner, the others
// wait. The key names the holder and lasts LeaseTTL unless renewed:
//
//   - acquire: kv.Create, which the server refuses while the key exists
//     (over a deleted key it is an Update at the marker's revision, so two
//     nodes racing for a free lease cannot both win);
//   - renew every LeaseTTL/3: kv.Update at the revision last written (the
//     fencing token), which fails once anyone else wrote the key;
//   - expiry is the server's: the bucket's TTL (stream MaxAge) removes a
//     key LeaseTTL after its last write, by the server's clock alone, so
//     nodes' clocks never decide who holds a lease. (A per-key TTL would
//     not do: it applies to Create only, an Update'd key would not expire.)
//
// A holder stops delivering when its renewal fails because the revision
// moved, and in any case once less than a safety margin is left of the
// TTL counted from when its last successful renewal was SENT (earlier
// than the server stored it, so the holder's view ends first): a node cut
// from NATS stops before the server lets another node take the key.
//
// A clean stop deletes the keys held (at their revision), so another node
// takes the webhooks over at once (it watches the bucket, lease_watch.go)
// instead of after the TTL. After a crash the key expires: the webhook
// pauses for up to the TTL and a third.
//
// There is no taking back a lease under one's own node id after a
// restart: two processes given the same id would take it from each other.
//
// Every node must use the same LeaseTTL: the bucket's TTL is the one the
// last started node set.

// leaseValue is what a lease key holds. Expires is for people reading
// the bucket; the server's TTL is what ends the lease.
type leaseValue struct {
	Node    string    `json:"node"`
	Expires time.Time `json:"expires"`
}

// leases keeps this node's lease keepers, one per enabled webhook.
type leases struct {
	svc  *Service
	kv   jetstream.KeyValue
	ttl  time.Duration
	node string

	mu       sync.Mutex
	keepers  map[string]*keeper
	releases sync.WaitGroup // keepers dropped, releasing their key

	stopWatch context.CancelFunc
	watchDone chan struct{}
}

func newLeases(s *Service, kv jetstream.KeyValue) *leases {
	return &leases{svc: s, kv: kv, ttl: s.cfg.LeaseTTL, node: s.cfg.NodeID, keepers: map[string]*keeper{}}
}

// start watches the bucket for other nodes' changes (lease_watch.go).
func (l *leases) start() {
	ctx, cancel := context.WithCancel(context.Background())
	l.stopWatch, l.watchDone = cancel, make(chan struct{})
	go l.watch(ctx)
}

// renewEvery is how often a held lease is renewed, and how often a node
// not holding one tries to take it.
func (l *leases) renewEvery() time.Duration { return l.ttl / 3 }

// margin is the part of the TTL a holder never delivers in: time for its
// runner to stop before the server could let another node in.
func (l *leases) margin() time.Duration { return l.ttl / 5 }

// retryEvery is how often a failed renewal is tried again.
func (l *leases) retryEvery() time.Duration { return l.ttl / 10 }

// keep makes sure a keeper runs for webhook id, and reports whether this
// node holds its lease now. The caller holds s.runMu.
func (l *leases) keep(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := l.keepers[id]
	if k == nil {
		k = newKeeper(l, id)
		l.keepers[id] = k
		go k.loop()
	}
	return k.held()
}

// drop ends webhook id's keeper and releases its lease in the background
// (the webhook was deleted or disabled). The caller holds s.runMu and has
// stopped the webhook's runner.
func (l *leases) drop(id string) {
	l.mu.Lock()
	k := l.keepers[id]
	delete(l.keepers, id)
	l.mu.Unlock()
	if k == nil {
		return
	}
	l.releases.Add(1)
	go func() {
		defer l.releases.Done()
		ctx, cancel := context.WithTimeout(context.Background(), l.ttl)
		defer cancel()
		if err := k.release(ctx); err != nil {
			l.svc.cfg.Log.Warn("releasing a webhook's lease", "webhook", id, "err", err)
		}
	}()
}

// release ends every keeper and deletes the keys held: Stop calls it once
// every runner stopped.
func (l *leases) release(ctx context.Context) error {
	l.mu.Lock()
	keepers := l.keepers
	l.keepers = map[string]*keeper{}
	l.mu.Unlock()
	var errs []error
	for _, k := range keepers {
		errs = append(errs, k.release(ctx))
	}
	l.releases.Wait()
	if l.stopWatch != nil {
		l.stopWatch()
		<-l.watchDone
	}
	return errors.Join(errs...)
}

// erase deletes webhook id's lease key whoever holds it (the webhook was
// deleted): a holder elsewhere finds its next renewal refused.
func (l *leases) erase(ctx context.Context, id string) error {
	if err := l.kv.Purge(ctx, id); err != nil {
		return fmt.Errorf("deleting the lease of webhook %s: %w", id, err)
	}
	return nil
}

// holder is the node holding webhook id's lease, "" when none does.
func (l *leases) holder(ctx context.Context, id string) (string, error) {
	e, err := l.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the lease of webhook %s: %w", id, err)
	}
	var v leaseValue
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return "", fmt.Errorf("decoding the lease of webhook %s: %w", id, err)
	}
	return v.Node, nil
}

func (l *leases) value(now time.Time) []byte {
	b, err := json.Marshal(leaseValue{Node: l.node, Expires: now.Add(l.ttl).UTC()})
	if err != nil {
		panic(fmt.Sprintf("encoding a lease cannot fail: %v", err))
	}
	return b
}

// leaseBucketConfig is the lease bucket: keys expire TTL after their last
// write; one revision per key is enough for compare-and-swap.
func leaseBucketConfig(c Config) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{
		Bucket: c.leaseBucket(), Description: "wabridge webhook leases: the node delivering each webhook",
		History: 1, TTL: c.LeaseTTL, Storage: jetstream.FileStorage, Replicas: c.Replicas,
	}
}

// randomNodeID names a node that was given no NodeID.
func randomNodeID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "node-" + hex.EncodeToString(b)
}
