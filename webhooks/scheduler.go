package webhooks

import (
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// item is one event taken from the consumer and not yet acked.
type item struct {
	seq    uint64    // stream sequence
	stored time.Time // when WA_EVENTS stored it: max_age counts from here
	lane   string    // its chat, or "" when the webhook keeps strict order

	// msg is the latest delivery's handle: a redelivery of the event while
	// it is tracked replaces it (from the dispatch loop) while a worker or
	// the heartbeats use it, so it is read and written only under mu.
	mu  sync.Mutex
	msg jetstream.Msg
}

func newItem(msg jetstream.Msg, seq uint64, stored time.Time, lane string) *item {
	return &item{msg: msg, seq: seq, stored: stored, lane: lane}
}

// handle is the message to settle the event with: the latest delivery's.
func (it *item) handle() jetstream.Msg {
	it.mu.Lock()
	defer it.mu.Unlock()
	return it.msg
}

// refresh takes the handle of a newer delivery of the same event.
func (it *item) refresh(from *item) {
	m := from.handle()
	it.mu.Lock()
	defer it.mu.Unlock()
	it.msg = m
}

// lane is the queue of one chat's events: delivered one after the other,
// each acked before the next is tried, so no event of a chat overtakes an
// earlier one, whatever fails.
type lane struct {
	key    string
	queue  []*item
	active bool // a worker owns it
	ready  bool // waiting for a worker
}

// scheduler runs at most limit lanes at once, in the order they became
// ready, and rotates busy lanes so a chat with a long queue does not starve
// the others. deliver returns false when the worker must stop (the runner
// is stopping or the webhook was disabled): the item stays tracked.
type scheduler struct {
	limit   int
	deliver func(*item) bool

	mu      sync.Mutex
	lanes   map[string]*lane
	ready   []*lane
	busy    int
	tracked map[uint64]*item
	stopped bool
	wg      sync.WaitGroup
}

func newScheduler(limit int, deliver func(*item) bool) *scheduler {
	return &scheduler{limit: limit, deliver: deliver, lanes: map[string]*lane{}, tracked: map[uint64]*item{}}
}

// add queues it behind the earlier events of its lane. A redelivery of an
// event still tracked only refreshes the handle used to ack it.
func (s *scheduler) add(it *item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.tracked[it.seq]; ok {
		old.refresh(it)
		return
	}
	s.tracked[it.seq] = it
	l := s.lanes[it.lane]
	if l == nil {
		l = &lane{key: it.lane}
		s.lanes[it.lane] = l
	}
	l.queue = append(l.queue, it)
	if l.active || l.ready || s.stopped {
		return
	}
	if s.busy < s.limit {
		s.busy++
		l.active = true
		s.wg.Add(1)
		go s.work(l)
		return
	}
	l.ready = true
	s.ready = append(s.ready, l)
}

// work delivers the head of l until its queue is empty, then takes the
// next ready lane.
func (s *scheduler) work(l *lane) {
	defer s.wg.Done()
	for l != nil {
		it := s.head(l)
		if it == nil {
			l = s.next(l)
			continue
		}
		if !s.deliver(it) {
			s.release(l)
			return
		}
		l = s.done(l, it)
	}
}

func (s *scheduler) head(l *lane) *item {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(l.queue) == 0 || s.stopped {
		return nil
	}
	return l.queue[0]
}

// done removes a delivered (or dead-lettered) item and, when other lanes
// wait, hands this worker to the first of them.
func (s *scheduler) done(l *lane, it *item) *lane {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.queue = l.queue[1:]
	delete(s.tracked, it.seq)
	if len(s.ready) == 0 || len(l.queue) == 0 {
		return l
	}
	l.active, l.ready = false, true
	s.ready = append(s.ready, l)
	return s.takeReady()
}

// next is called when l is empty (or the scheduler stopped): l is
// forgotten and the worker takes a ready lane, or ends.
func (s *scheduler) next(l *lane) *lane {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.active = false
	if len(l.queue) == 0 {
		delete(s.lanes, l.key)
	}
	if s.stopped || len(s.ready) == 0 {
		s.busy--
		return nil
	}
	return s.takeReady()
}

func (s *scheduler) takeReady() *lane {
	n := s.ready[0]
	s.ready = s.ready[1:]
	n.ready, n.active = false, true
	return n
}

func (s *scheduler) release(l *lane) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.active = false
	s.busy--
}

// stop lets no worker start another delivery and waits for those running
// to return; it answers what is still tracked, oldest first.
func (s *scheduler) stop() []*item {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.wg.Wait()
	return s.snapshot()
}

// snapshot is every tracked item, oldest first.
func (s *scheduler) snapshot() []*item {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*item, 0, len(s.tracked))
	for _, it := range s.tracked {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *item) int { return cmpSeq(a.seq, b.seq) })
	return out
}

// inFlight is how many events are taken and not yet acked.
func (s *scheduler) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tracked)
}

func cmpSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
