package bridge

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
)

// bucketStateSeq keeps, per session, the sequence number of the last
// session-state event kept in the outbox, so numbering goes on after a
// restart.
var bucketStateSeq = []byte("session_state_seq")

// stateQueue emits a session's state events (session.*) one at a time, in
// the order they happened, each numbered. WhatsApp reports these states on
// goroutines of their own and never redelivers them, so an event the outbox
// could not keep stays at the head of the queue and is retried: none is
// dropped and none overtakes another.
type stateQueue struct {
	mu      sync.Mutex
	next    uint64 // the seq of the next event
	items   []*stateItem
	running bool
}

type stateItem struct {
	ev   events.Event
	seq  uint64
	kept chan struct{} // closed once the outbox has the event
}

// loadStateSeq reads the last seq kept for session.
func loadStateSeq(db *store.DB, session string) (uint64, error) {
	var last uint64
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketStateSeq); b != nil {
			if v := b.Get([]byte(session)); len(v) == 8 {
				last = binary.BigEndian.Uint64(v)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reading the state event sequence of session %s: %w", session, err)
	}
	return last, nil
}

// stateSeqWrite records seq as kept, in the transaction of its event. It
// never lowers the number, so running it again is harmless.
func stateSeqWrite(session string, seq uint64) store.Write {
	return func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketStateSeq)
		if err != nil {
			return err
		}
		if v := b.Get([]byte(session)); len(v) == 8 && binary.BigEndian.Uint64(v) >= seq {
			return nil
		}
		return b.Put([]byte(session), binary.BigEndian.AppendUint64(nil, seq))
	}
}

// emitStateOK queues a state event and waits, within the EmitRetry budget,
// until the outbox has it. It reports whether it was kept in that time; if
// not, the queue goes on trying.
func (s *Session) emitStateOK(ctx context.Context, typ string, st events.SessionState) bool {
	return s.emitStateWithin(ctx, s.d.cfg.EmitRetry, typ, st)
}

// emitStateWithin is emitStateOK with its own bound on the wait.
func (s *Session) emitStateWithin(ctx context.Context, wait time.Duration, typ string, st events.SessionState) bool {
	item := s.queueState(typ, time.Now(), st)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-item.kept:
		return true
	case <-timer.C:
	case <-ctx.Done():
	}
	s.log.Error("session event not kept yet; retrying in the background", "ce_type", typ, "seq", item.seq)
	return false
}

// queueState numbers the event and queues it behind the session's others.
func (s *Session) queueState(typ string, at time.Time, st events.SessionState) *stateItem {
	q := &s.states
	q.mu.Lock()
	defer q.mu.Unlock()
	st.Seq = q.next
	q.next++
	item := &stateItem{seq: st.Seq, kept: make(chan struct{})}
	// The seq identifies the occurrence: a retry keeps its CloudEvent id.
	item.ev = events.Event{Type: typ, Session: s.name, Time: at.UTC(), Key: strconv.FormatUint(st.Seq, 10), Data: st}
	q.items = append(q.items, item)
	if !q.running {
		q.running = true
		s.d.tasks.run(s.d.ctx, s.drainStates)
	}
	return item
}

// drainStates emits the queued state events in order until none is left or
// the manager closes.
func (s *Session) drainStates(ctx context.Context) {
	q := &s.states
	defer func() {
		q.mu.Lock()
		q.running = false
		q.mu.Unlock()
	}()
	wait := s.d.cfg.EmitBackoff
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		item := q.items[0]
		q.mu.Unlock()
		if err := s.d.cfg.Sink.Emit(ctx, item.ev, stateSeqWrite(s.name, item.seq)); err != nil {
			s.log.Warn("emitting session event failed; retrying", "ce_type", item.ev.Type, "seq", item.seq, "error", err, "retry_in", wait)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, maxEmitBackoff)
			continue
		}
		wait = s.d.cfg.EmitBackoff
		q.mu.Lock()
		q.items = q.items[1:]
		q.mu.Unlock()
		close(item.kept)
	}
}
