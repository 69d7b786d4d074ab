package webhooks

import "sync"

// settledMax is how many settled events a runner remembers: more than the
// consumer's window, so any event that can come back is still known.
const settledMax = 4 * DefaultWindow

// settled remembers the stream sequences a runner acked (delivered or
// dead-lettered), the newest settledMax of them. An ack can be lost (a
// NATS reconnect, a consumer leader moving) and its event comes back after
// the ack wait; known here, it is acked again instead of being delivered a
// second time, after later events of its chat.
type settled struct {
	mu   sync.Mutex
	seen map[uint64]bool
	ring []uint64
	next int
}

func newSettled() *settled {
	return &settled{seen: make(map[uint64]bool, settledMax), ring: make([]uint64, 0, settledMax)}
}

func (s *settled) add(seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[seq] {
		return
	}
	if len(s.ring) < settledMax {
		s.ring = append(s.ring, seq)
	} else {
		delete(s.seen, s.ring[s.next])
		s.ring[s.next] = seq
		s.next = (s.next + 1) % settledMax
	}
	s.seen[seq] = true
}

func (s *settled) has(seq uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[seq]
}
