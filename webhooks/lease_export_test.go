package webhooks

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"
)

// FreezableLeases makes s's lease requests fail while freeze(true) holds,
// as if the lease bucket could not be reached, while its runners keep
// delivering over their own connection: a node stalled or cut off from
// the bucket's leader. Call it before Start.
func FreezableLeases(s *Service) (freeze func(bool)) {
	frozen := &atomic.Bool{}
	s.leaseKV = func(kv jetstream.KeyValue) jetstream.KeyValue { return frozenKV{KeyValue: kv, frozen: frozen} }
	return frozen.Store
}

// LeaseBucket is the name of the lease bucket of cfg.
func LeaseBucket(cfg Config) string { return cfg.leaseBucket() }

var errFrozen = errors.New("lease bucket unreachable (frozen by the test)")

type frozenKV struct {
	jetstream.KeyValue
	frozen *atomic.Bool
}

func (f frozenKV) Create(ctx context.Context, key string, value []byte, opts ...jetstream.KVCreateOpt) (uint64, error) {
	if f.frozen.Load() {
		return 0, errFrozen
	}
	return f.KeyValue.Create(ctx, key, value, opts...)
}

func (f frozenKV) Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	if f.frozen.Load() {
		return 0, errFrozen
	}
	return f.KeyValue.Update(ctx, key, value, revision)
}

func (f frozenKV) Delete(ctx context.Context, key string, opts ...jetstream.KVDeleteOpt) error {
	if f.frozen.Load() {
		return errFrozen
	}
	return f.KeyValue.Delete(ctx, key, opts...)
}
