package webhooks

import (
	"slices"
	"sync"
	"time"
)

// barrier keeps order across a restart. Events the previous runner took and
// did not ack (it crashed, or it stopped) come back from the consumer, but
// only after the ack wait, while newer events come at once: the newer ones
// would overtake them. So when the consumer reports events pending at
// start, every event is held until those come back (or until a deadline,
// for pending events the stream dropped meanwhile), then all are released
// in stream order.
type barrier struct {
	mu        sync.Mutex
	delivered uint64 // the consumer's last delivered stream sequence at start
	want      int    // events pending at start
	back      map[uint64]bool
	hold      []*item
	open      bool
	deadline  time.Time
}

func newBarrier(delivered uint64, pending int, deadline time.Time) *barrier {
	return &barrier{delivered: delivered, want: pending, back: map[uint64]bool{}, open: pending == 0, deadline: deadline}
}

// admit returns the items that may be scheduled now, in stream order.
func (b *barrier) admit(it *item, redelivered bool) []*item {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open {
		return []*item{it}
	}
	if redelivered && it.seq <= b.delivered {
		b.back[it.seq] = true
	}
	b.hold = append(b.hold, it)
	if len(b.back) < b.want {
		return nil
	}
	return b.release()
}

// returned counts a pending event that came back and needs no delivery
// (it was settled before its ack got lost), and answers what that releases.
func (b *barrier) returned(seq uint64) []*item {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open || seq > b.delivered {
		return nil
	}
	b.back[seq] = true
	if len(b.back) < b.want {
		return nil
	}
	return b.release()
}

// expire opens the barrier once its deadline passed.
func (b *barrier) expire(now time.Time) []*item {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open || now.Before(b.deadline) {
		return nil
	}
	return b.release()
}

func (b *barrier) release() []*item {
	b.open = true
	out := b.hold
	b.hold = nil
	slices.SortStableFunc(out, func(x, y *item) int { return cmpSeq(x.seq, y.seq) })
	return dedupeItems(out)
}

// held is what waits behind the barrier (for in-progress reports).
func (b *barrier) held() []*item {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.hold)
}

// drain empties the barrier at stop.
func (b *barrier) drain() []*item {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.hold
	b.hold = nil
	slices.SortStableFunc(out, func(x, y *item) int { return cmpSeq(x.seq, y.seq) })
	return dedupeItems(out)
}

// dedupeItems keeps the last handle of each sequence in a sorted list.
func dedupeItems(in []*item) []*item {
	out := in[:0]
	for _, it := range in {
		if n := len(out); n > 0 && out[n-1].seq == it.seq {
			out[n-1] = it
			continue
		}
		out = append(out, it)
	}
	return out
}
