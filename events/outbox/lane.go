package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// lane publishes one queue of the outbox in order. One PubAck at a time,
// an entry is sent only after the one before it is stored, so the stream
// holds the queue's order even across failures and reconnects. A plain
// pipelined window cannot promise that (a later message may be stored while
// an earlier one is lost in a broken connection); the lane's windows carry
// expectations that make the server refuse such a later message (chain),
// and fall back to one at a time on any failure.
type lane struct {
	p       *Publisher
	session string
	// wake is signalled on each new entry of the session; flushing by Flush.
	wake, flushing chan struct{}
	// sent is the key of the last entry acknowledged or set aside; the
	// entries up to it that are still stored wait in ret to be durable.
	sent uint64
	ret  retirement
	// timer fires when ret has entries to delete.
	timer *time.Timer
	// chain is the stream position pipelined windows build on; filter is
	// the session's subjects they expect it on.
	chain  chain
	filter string
}

func (p *Publisher) newLane(session string) *lane {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &lane{
		p: p, session: session, wake: p.ob.wakeFor(session), flushing: make(chan struct{}, 1), timer: t,
		ret:    retirement{durableAfter: p.cfg.DurableAfter, every: p.cfg.DeleteEvery, after: p.cfg.DeleteAfter},
		filter: sessionFilter(p.ob.subjects, session),
	}
}

// run publishes the session's queue until ctx ends. A failed publish stops
// the pass (later entries wait, keeping order) and is retried after an
// exponential back-off; other sessions' lanes go on meanwhile.
func (l *lane) run(ctx context.Context) {
	l.restore()
	defer l.stop()
	tick := time.NewTicker(l.p.cfg.Interval)
	defer tick.Stop()
	backoff := l.p.cfg.RetryMin
	for {
		err := l.drain(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			l.p.log.Warn("publishing outbox failed; retrying", "session", l.session, "err", err, "retry_in", backoff)
			if !l.sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, l.p.cfg.RetryMax)
			continue
		}
		backoff = l.p.cfg.RetryMin
		if !l.wait(ctx, tick.C) {
			return
		}
	}
}

// stop deletes what is durable by now and saves how far the lane got, so
// the next lane of the session neither publishes the acknowledged entries
// still kept again nor deletes them before they are durable. Should saving
// fail, they are published again and the stream's dedup window keeps one
// copy.
func (l *lane) stop() {
	l.timer.Stop()
	if err := l.retire(true); err != nil {
		l.p.log.Warn("deleting published entries at stop failed; they are published again", "session", l.session, "err", err)
	}
	grain := max(l.p.cfg.DurableAfter/marksPerDurable, time.Millisecond)
	p := progress{through: l.sent, stopped: l.p.now(), marks: markAcked(l.ret.pending, grain)}
	if err := l.p.ob.saveProgress(l.session, p); err != nil {
		l.p.log.Warn("acknowledged entries kept until durable are published again at the next start", "session", l.session, "entries", len(l.ret.pending), "err", err)
	}
}

// restore takes up where the session's last lane stopped cleanly: after its
// acknowledged entries, which are deleted once durable as if that lane had
// gone on. Without a saved stop (a crash) it starts at the head of the
// queue and publishes them again.
func (l *lane) restore() {
	through, pending, err := l.p.ob.takeProgress(l.session)
	if err != nil {
		l.p.log.Warn("acknowledged entries of the last run are published again", "session", l.session, "err", err)
		return
	}
	if through == 0 {
		return
	}
	l.sent, l.ret.pending = through, pending
	l.arm()
	l.report()
	l.p.advanced()
	l.p.log.Debug("resumed after the last clean stop", "session", l.session, "through", through, "kept_until_durable", len(pending))
}

// drain publishes batches until the queue holds nothing unsent or a publish
// fails, deleting durable entries as it goes.
func (l *lane) drain(ctx context.Context) error {
	for {
		entries, err := l.p.ob.after(l.session, l.sent, l.p.cfg.Batch)
		if err != nil || len(entries) == 0 {
			return errors.Join(err, l.retire(false))
		}
		for len(entries) > 0 {
			n := l.pipeline(ctx, entries)
			if n == 0 {
				if err := l.publish(ctx, entries[0]); err != nil {
					return errors.Join(err, l.retire(false))
				}
				n = 1
			}
			entries = entries[n:]
			if err := l.retire(false); err != nil {
				return err
			}
		}
	}
}

// pipeline publishes a window of entries' head when the lane knows its
// stream position and JetStream can publish asynchronously, and reports
// how many were published; 0 leaves the head to publish. An entry that does
// not build a message ends the window before it.
func (l *lane) pipeline(ctx context.Context, entries []storedEntry) int {
	ap, ok := l.p.js.(asyncPublisher)
	if !ok || !l.chain.ok || l.p.cfg.Window <= 1 {
		return 0
	}
	ws := make([]windowed, 0, min(len(entries), l.p.cfg.Window))
	for _, en := range entries[:min(len(entries), l.p.cfg.Window)] {
		out, err := outgoingOf(en.raw, l.p.cfg.Mode)
		if err != nil {
			break
		}
		ws = append(ws, windowed{en: en, msg: out.msg, id: out.id, typ: out.typ})
	}
	if len(ws) < 2 {
		return 0
	}
	return l.publishWindow(ctx, ap, ws)
}

// accept records an entry as acknowledged: it waits in ret to be durable.
func (l *lane) accept(key uint64) {
	l.sent = key
	l.ret.add(key, l.p.now())
	l.report()
}

// retire deletes the entries that are durable in the stream by now, in one
// transaction, and arms the timer for the next ones.
func (l *lane) retire(force bool) error {
	keys := l.ret.take(l.p.now(), force)
	l.arm()
	l.report()
	if len(keys) == 0 {
		return nil
	}
	if err := l.p.ob.remove(l.session, keys); err != nil {
		// Kept in the outbox; a later publisher sends them again.
		return err
	}
	l.p.advanced()
	return nil
}

// report tells the outbox how far the lane got, for its backlog figures.
func (l *lane) report() {
	l.p.ob.setPublished(l.session, publishedState{through: l.sent, pending: len(l.ret.pending)})
}

func (l *lane) arm() {
	l.timer.Stop()
	if next := l.ret.next(); !next.IsZero() {
		l.timer.Reset(max(next.Sub(l.p.now()), 0))
	}
}

// wait blocks until there may be work: an entry was added, the interval
// ticked, a Flush asks, or acknowledged entries became deletable. false
// means ctx ended.
func (l *lane) wait(ctx context.Context, tick <-chan time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-l.wake:
	case <-l.flushing:
	case <-tick:
	case <-l.timer.C:
	}
	return true
}

// sleep backs off for d, cut short by a Flush; durable entries are deleted
// meanwhile. false means ctx ended.
func (l *lane) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-l.flushing:
			return true
		case <-l.timer.C:
			if err := l.retire(false); err != nil {
				l.p.log.Warn("deleting published entries failed", "session", l.session, "err", err)
			}
		}
	}
}

// publish sends one entry and waits for its PubAck. An entry that cannot be
// decoded or encoded, or that the server refuses as too large, never will
// be published: it is moved aside, not retried forever.
func (l *lane) publish(ctx context.Context, en storedEntry) error {
	out, err := outgoingOf(en.raw, l.p.cfg.Mode)
	if err != nil {
		l.p.log.Error("outbox entry cannot be published; moved to the outbox_dead bucket", "session", l.session, "key", en.key, "err", err)
		return l.bury(en.key)
	}
	err = l.send(ctx, out.msg, out.id, out.typ)
	if err == nil {
		l.accept(en.key)
		return nil
	}
	if !permanentPublishError(err) {
		return err
	}
	l.p.log.Error("outbox entry refused by NATS as too large; moved to the outbox_dead bucket",
		"session", l.session, "key", en.key, "ce_id", out.id, "ce_type", out.typ, "subject", out.msg.Subject, "err", err)
	return l.bury(en.key)
}

// bury moves an entry aside and wakes Flush: the outbox shrank.
func (l *lane) bury(key uint64) error {
	if err := l.p.ob.bury(l.session, key); err != nil {
		return err
	}
	l.sent = key
	l.chain.ok = false
	l.report()
	l.p.advanced()
	return nil
}

func (l *lane) send(ctx context.Context, msg *nats.Msg, id, typ string) error {
	ctx, cancel := context.WithTimeout(ctx, l.p.cfg.PublishTimeout)
	defer cancel()
	ack, err := l.p.js.PublishMsg(ctx, msg, jetstream.WithMsgID(id))
	if err != nil {
		l.chain.ok = false
		return fmt.Errorf("publishing %s %s on %s: %w", typ, id, msg.Subject, err)
	}
	// Only a message stored now is the stream's position to build on; a
	// duplicate's sequence is an older one.
	l.chain = chain{last: ack.Sequence, ok: !ack.Duplicate}
	l.published(typ, ack.Duplicate)
	if ack.Duplicate {
		l.p.log.Debug("outbox entry was already in the stream", "session", l.session, "ce_id", id, "ce_type", typ, "seq", ack.Sequence)
	}
	return nil
}
