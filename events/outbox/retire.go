package outbox

import "time"

// DurableImmediately as PublisherConfig.DurableAfter says a PubAck already
// means durable: the server fsyncs every write (sync_interval: always) or
// the stream is replicated to a quorum (R3).
const DurableImmediately time.Duration = -1

// ackedEntry is an entry JetStream acknowledged, kept in the outbox until
// the stream has certainly written it to disk.
type ackedEntry struct {
	key uint64
	at  time.Time // when its PubAck arrived
}

// retirement holds acknowledged entries until they may be deleted. A PubAck
// of a single-replica file stream means "in the server's memory": the
// server fsyncs only every sync interval, and a power loss before that
// forgets the message. So an entry acked at t is deleted no earlier than
// t + durableAfter; deletions are then grouped (every, after) so that bbolt
// fsyncs once per chunk, not once per event.
type retirement struct {
	durableAfter time.Duration // <= 0: durable at the PubAck
	every        int           // delete once this many are due
	after        time.Duration // or once the oldest has been due this long
	pending      []ackedEntry  // in ack order, which is key order
}

func (r *retirement) add(key uint64, at time.Time) {
	r.pending = append(r.pending, ackedEntry{key: key, at: at})
}

// dueAt is when an entry acked at t is certainly durable.
func (r *retirement) dueAt(t time.Time) time.Time {
	if r.durableAfter <= 0 {
		return t
	}
	return t.Add(r.durableAfter)
}

// take removes and returns the keys to delete now: nothing unless a chunk
// is complete or the oldest due entry has waited long enough; then every
// entry that is durable by now. With force, every durable entry at once.
func (r *retirement) take(now time.Time, force bool) []uint64 {
	due := 0
	for due < len(r.pending) && !r.dueAt(r.pending[due].at).After(now) {
		due++
	}
	if due == 0 {
		return nil
	}
	if !force && due < r.every && now.Before(r.dueAt(r.pending[0].at).Add(r.after)) {
		return nil
	}
	keys := make([]uint64, due)
	for i, a := range r.pending[:due] {
		keys[i] = a.key
	}
	r.pending = append(r.pending[:0], r.pending[due:]...)
	return keys
}

// next is when take will next return keys without anything new being
// acked; zero when nothing is pending.
func (r *retirement) next() time.Time {
	if len(r.pending) == 0 {
		return time.Time{}
	}
	t := r.dueAt(r.pending[0].at).Add(r.after)
	if len(r.pending) >= r.every {
		t = minTime(t, r.dueAt(r.pending[r.every-1].at))
	}
	return t
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
