package commands

import (
	"context"
	"sync"
)

// keyLocks serialises commands with the same idempotency key, so that a
// duplicate delivered while the first is still running waits for it and
// then replays its result instead of running the handler a second time.
type keyLocks struct {
	mu   sync.Mutex
	held map[string]*keyLock
}

type keyLock struct {
	slot chan struct{} // a one-token semaphore: waiting on it can be cancelled
	refs int
}

func newKeyLocks() *keyLocks { return &keyLocks{held: make(map[string]*keyLock)} }

// lock takes the lock of key, waiting until it is free or ctx is done.
func (l *keyLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	l.mu.Lock()
	kl := l.held[key]
	if kl == nil {
		kl = &keyLock{slot: make(chan struct{}, 1)}
		l.held[key] = kl
	}
	kl.refs++
	l.mu.Unlock()
	select {
	case kl.slot <- struct{}{}:
		return func() { <-kl.slot; l.release(key, kl) }, nil
	case <-ctx.Done():
		l.release(key, kl)
		return nil, ctx.Err()
	}
}

// release forgets the lock when nobody holds or waits for it, so the map
// does not grow with every key ever seen.
func (l *keyLocks) release(key string, kl *keyLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kl.refs--
	if kl.refs == 0 {
		delete(l.held, key)
	}
}
