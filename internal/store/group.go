package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Group commits the writes of concurrent callers in one bbolt transaction,
// so N callers share one fsync instead of queueing for N. Whoever finds no
// commit running commits everything queued at once; a lone caller therefore
// waits for exactly one fsync (bbolt's own Batch would add MaxBatchDelay).
//
// As with bbolt's Batch, a function may run more than once: when one
// function of a batch fails, the transaction is rolled back, that caller gets
// its error, and the others run again without it. Functions must therefore
// be safe to repeat (puts of the same values are).
type Group struct {
	db         *bolt.DB
	mu         sync.Mutex
	queue      []*call
	committing bool
}

type call struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// NewGroup returns a Group writing to db.
func NewGroup(db *bolt.DB) *Group { return &Group{db: db} }

// Update runs fn in a read-write transaction shared with concurrent callers
// and returns once that transaction is committed (fsynced) or failed. Calls
// are applied in the order they arrive.
func (g *Group) Update(fn func(*bolt.Tx) error) error {
	c := &call{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if g.committing {
		g.mu.Unlock()
		return <-c.done
	}
	g.committing = true
	for len(g.queue) > 0 {
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		g.commit(batch)
		g.mu.Lock()
	}
	g.committing = false
	g.mu.Unlock()
	return <-c.done
}

func (g *Group) commit(batch []*call) {
	for len(batch) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range batch {
				if err := c.run(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if err == nil || failed < 0 {
			// Committed, or the commit itself failed: the same for everyone.
			for _, c := range batch {
				c.done <- err
			}
			return
		}
		batch[failed].done <- err
		batch = append(batch[:failed:failed], batch[failed+1:]...)
	}
}

// run calls the function, turning a panic into its caller's error: the
// batch is rolled back and retried without it, so one bad write cannot
// take the others, or every later writer, down with it.
func (c *call) run(tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrPanicked, r, debug.Stack())
		}
	}()
	return c.fn(tx)
}

// ErrPanicked is wrapped by the error of an Update whose function panicked.
var ErrPanicked = errors.New("store: write panicked")
