package events

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// groupCommit lets concurrent Puts (many sessions) share one bbolt commit
// and its fsync. Whoever finds no commit running commits everything queued,
// so a lone emitter waits for exactly one fsync (bbolt's own Batch would add
// its MaxBatchDelay), while N concurrent emitters need far fewer than N.
type groupCommit struct {
	mu         sync.Mutex
	queue      []pendingPut
	committing bool
}

type pendingPut struct {
	rec  []byte
	done chan error
}

// commit stores rec under the next sequence number and returns once it is
// committed. Queue order is sequence order, so each emitter's events keep
// the order it put them in.
func (o *Outbox) commit(rec []byte) error {
	g := &o.group
	p := pendingPut{rec: rec, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.committing {
		g.mu.Unlock()
		return <-p.done
	}
	g.committing = true
	for len(g.queue) > 0 {
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		err := o.db.Update(func(tx *bolt.Tx) error { return appendAll(tx, batch) })
		for _, q := range batch {
			q.done <- err
		}
		g.mu.Lock()
	}
	g.committing = false
	g.mu.Unlock()
	return <-p.done
}

func appendAll(tx *bolt.Tx, batch []pendingPut) error {
	b := tx.Bucket([]byte(bucketOutbox))
	for _, q := range batch {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(seqKey(seq), q.rec); err != nil {
			return err
		}
	}
	return nil
}
