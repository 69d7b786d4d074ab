package outbox

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// publishedState is how far the publisher got with one session's queue:
// every entry up to through is in the stream, pending of them still stored
// while they wait to be durable there.
type publishedState struct {
	through uint64
	pending int
}

func (o *Outbox) setPublished(session string, st publishedState) {
	o.mu.Lock()
	o.published[session] = st
	o.mu.Unlock()
}

func (o *Outbox) publishedOf(session string) publishedState {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.published[session]
}

// Backlog is what one session's queue holds that is not yet in the stream.
type Backlog struct {
	Entries int
	// Age is how long the oldest of them has waited; 0 with no entries.
	Age time.Duration
}

// Backlogs reports, per session with entries waiting, how many there are
// and how long the oldest has waited: what /readyz and the metrics show,
// and what an operator looks at when one session's publishing is stuck.
// Entries already acknowledged by JetStream do not count, even while they
// are kept until durable.
func (o *Outbox) Backlogs() (map[string]Backlog, error) {
	sessions, err := o.sessions()
	if err != nil {
		return nil, err
	}
	now := o.now()
	out := map[string]Backlog{}
	err = o.db.View(func(tx *bolt.Tx) error {
		for _, s := range sessions {
			if b := backlogOf(queue(tx, s), o.publishedOf(s), now); b.Entries > 0 {
				out[s] = b
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading outbox backlog: %w", err)
	}
	return out, nil
}

// Oldest is the age of the oldest entry waiting for publication in any
// session, and how many entries wait in all: readiness degrades when the
// age passes a threshold.
func (o *Outbox) Oldest() (time.Duration, int, error) {
	all, err := o.Backlogs()
	if err != nil {
		return 0, 0, err
	}
	var age time.Duration
	n := 0
	for _, b := range all {
		age = max(age, b.Age)
		n += b.Entries
	}
	return age, n, nil
}

// Unpublished is how many entries, in all sessions, JetStream has not yet
// acknowledged: what Flush waits for, and what a stop that could not flush
// leaves to the next start. Len also counts the acknowledged entries kept
// until durable.
func (o *Outbox) Unpublished() (int, error) {
	_, n, err := o.Oldest()
	if err != nil {
		return 0, fmt.Errorf("counting unpublished outbox entries: %w", err)
	}
	return n, nil
}

func backlogOf(q *bolt.Bucket, st publishedState, now time.Time) Backlog {
	if q == nil {
		return Backlog{}
	}
	n := q.Stats().KeyN - st.pending
	k, v := q.Cursor().Seek(seqKey(st.through + 1))
	if k == nil || n <= 0 {
		return Backlog{}
	}
	enqueued := enqueuedOf(v)
	if enqueued.IsZero() {
		// Undecodable: the publisher sets it aside on its next pass.
		return Backlog{Entries: n}
	}
	return Backlog{Entries: n, Age: max(now.Sub(enqueued), 0)}
}
