package bridge

import (
	"context"
	"sync"
)

// deps is what every session of a manager shares.
type deps struct {
	cfg   ManagerConfig
	dir   *directory
	index *MessageIndex
	// preview fetches link previews under the fetch guard (link.go).
	preview previewer
	qr      *qrPrinter
	tasks   tasks
	retries mediaRetries // media_download_retry.go
	// ctx lives as long as the manager; background work and event handling
	// stop with it.
	ctx    context.Context
	cancel context.CancelFunc
}

// tasks tracks background goroutines so Close can wait for them, and
// refuses new ones once closing has begun.
type tasks struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// run starts f unless ctx is done (the manager is closing).
func (t *tasks) run(ctx context.Context, f func(context.Context)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || ctx.Err() != nil {
		return
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		f(ctx)
	}()
}

func (t *tasks) wait() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.wg.Wait()
}
