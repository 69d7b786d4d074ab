package outbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketAcked keeps, per session, how far a cleanly stopped publisher got:
// the key of its last acknowledged entry and when the entries it still kept
// (acknowledged, not yet durable in the stream) were acknowledged. Without
// it the next start would publish those entries again, and the stream would
// store them twice once its dedup window has passed. Only a clean stop
// writes it and the session's next lane takes it (reads and deletes it), so
// after a crash the entries are published again, as before: what a crash
// leaves is never trusted.
const bucketAcked = "outbox_acked"

// ackedFormat is the first byte of a bucketAcked value.
const ackedFormat = 1

// marksPerDurable is how many ack-time marks one DurableAfter is split into
// when saved: an entry is kept at most DurableAfter/marksPerDurable longer
// than it had to be, and the saved value stays small however many entries
// were acknowledged in the last DurableAfter.
const marksPerDurable = 32

// progress is what a lane saves at a clean stop: every entry up to through
// was acknowledged (or set aside) by stopped; each mark says the entries up
// to its key were acknowledged no later than its time.
type progress struct {
	through uint64
	stopped time.Time
	marks   []ackedEntry // in key order
}

// markAcked coarsens the pending entries (in ack order, which is key order)
// into marks: each run of entries acknowledged within grain of its first is
// one mark, with the run's last key and last ack time, so no entry is
// deleted earlier than it would have been.
func markAcked(pending []ackedEntry, grain time.Duration) []ackedEntry {
	var marks []ackedEntry
	var runStart time.Time
	for _, a := range pending {
		if n := len(marks); n > 0 && a.at.Sub(runStart) < grain {
			marks[n-1] = a
			continue
		}
		runStart = a.at
		marks = append(marks, a)
	}
	return marks
}

func (p progress) encode() []byte {
	out := make([]byte, 0, 17+16*len(p.marks))
	out = append(out, ackedFormat)
	out = binary.BigEndian.AppendUint64(out, p.through)
	out = binary.BigEndian.AppendUint64(out, uint64(p.stopped.UnixNano()))
	for _, m := range p.marks {
		out = binary.BigEndian.AppendUint64(out, m.key)
		out = binary.BigEndian.AppendUint64(out, uint64(m.at.UnixNano()))
	}
	return out
}

func decodeProgress(v []byte) (progress, error) {
	if len(v) < 17 || v[0] != ackedFormat || (len(v)-17)%16 != 0 {
		return progress{}, errors.New("unknown format")
	}
	p := progress{through: binary.BigEndian.Uint64(v[1:]), stopped: time.Unix(0, int64(binary.BigEndian.Uint64(v[9:])))}
	for rest := v[17:]; len(rest) > 0; rest = rest[16:] {
		m := ackedEntry{key: binary.BigEndian.Uint64(rest), at: time.Unix(0, int64(binary.BigEndian.Uint64(rest[8:])))}
		if m.key > p.through || (len(p.marks) > 0 && m.key <= p.marks[len(p.marks)-1].key) {
			return progress{}, errors.New("marks out of order")
		}
		p.marks = append(p.marks, m)
	}
	return p, nil
}

// saveProgress records where session's lane stopped; with nothing still
// kept it only clears what an earlier stop saved.
func (o *Outbox) saveProgress(session string, p progress) error {
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketAcked))
		if len(p.marks) == 0 {
			return b.Delete([]byte(session))
		}
		return b.Put([]byte(session), p.encode())
	})
	if err != nil {
		return fmt.Errorf("saving how far the publisher got in session %s: %w", session, err)
	}
	return nil
}

// takeProgress reads and deletes what the last clean stop saved for
// session: how far it got and, for each acknowledged entry still in the
// queue, when it was acknowledged (an entry the marks do not cover gets the
// time of the next mark, or the stop). through is 0 when nothing usable was
// saved; a saved value that does not fit the queue is dropped, so its
// entries are published again.
func (o *Outbox) takeProgress(session string) (through uint64, pending []ackedEntry, err error) {
	err = o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketAcked))
		v := b.Get([]byte(session))
		if v == nil {
			return nil
		}
		p, derr := decodeProgress(v)
		q := queue(tx, session)
		if derr == nil && q != nil && p.through <= q.Sequence() {
			through, pending = p.through, ackedUpTo(q, p)
		}
		return b.Delete([]byte(session))
	})
	if err != nil {
		return 0, nil, fmt.Errorf("reading how far the last publisher got in session %s: %w", session, err)
	}
	return through, pending, nil
}

// ackedUpTo lists the entries of q up to p.through with their ack times.
func ackedUpTo(q *bolt.Bucket, p progress) []ackedEntry {
	var out []ackedEntry
	i := 0
	c := q.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		key := binary.BigEndian.Uint64(k)
		if key > p.through {
			break
		}
		for i < len(p.marks) && p.marks[i].key < key {
			i++
		}
		at := p.stopped
		if i < len(p.marks) {
			at = p.marks[i].at
		}
		out = append(out, ackedEntry{key: key, at: at})
	}
	return out
}
