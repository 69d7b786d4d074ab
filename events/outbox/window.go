package outbox

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// asyncPublisher is the part of JetStream a pipelined window needs; a
// streamPublisher without it is published one PubAck at a time.
type asyncPublisher interface {
	PublishMsgAsync(msg *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error)
}

// chain is what a lane knows for pipelining: the stream sequence of its
// last entry, learnt from a PubAck that stored it (not a duplicate's).
//
// A window of entries is sent without waiting, entry i carrying two
// expectations the server checks before storing (and before deduplicating):
// the stream's last sequence is last+i, and the last message on the
// session's subjects (<prefix>.<session>.>) is at last+i. So entry i is
// stored only at last+i+1, right after a message of the session at last+i;
// only this lane publishes on the session's subjects, and its entries of the
// window can only be stored at their own predicted sequences, so that
// message is entry i-1. By induction an entry is stored only if every
// earlier one of the window is, in order: a lost, refused or late entry
// (a broken connection, a reconnect buffer flushed after the socket lost
// earlier bytes, a leader change, an async retry) fails every later one,
// and the lane resends from the first failure one PubAck at a time, where
// the stream's dedup window (Nats-Msg-Id) keeps a copy that did arrive from
// being stored twice. Another session's publish in between also fails the
// window, which costs a resend, never order.
type chain struct {
	last uint64
	ok   bool
}

// sessionFilter is the subjects of session's events and results.
func sessionFilter(s natsbus.Subjects, session string) string {
	subject := s.Result(session, "x")
	return subject[:len(subject)-len("result.x")] + ">"
}

// windowed is an entry of a window with the message built for it.
type windowed struct {
	en  storedEntry
	msg *nats.Msg
	id  string
	typ string
}

// publishWindow sends ws pipelined (see chain) and accepts, in order, the
// entries acknowledged before the first failure. It reports how many were
// accepted; the first failure, if any, is left to the one-at-a-time path,
// and the chain is broken so that path relearns the stream's position.
func (l *lane) publishWindow(ctx context.Context, ap asyncPublisher, ws []windowed) int {
	futures := make([]jetstream.PubAckFuture, 0, len(ws))
	for i, w := range ws {
		seq := l.chain.last + uint64(i)
		f, err := ap.PublishMsgAsync(w.msg, jetstream.WithMsgID(w.id), jetstream.WithExpectLastSequence(seq),
			jetstream.WithExpectLastSequenceForSubject(seq, l.filter), jetstream.WithRetryAttempts(0))
		if err != nil {
			break
		}
		futures = append(futures, f)
	}
	ctx, cancel := context.WithTimeout(ctx, l.p.cfg.PublishTimeout)
	defer cancel()
	for i, f := range futures {
		ack, err := awaitAck(ctx, f)
		if err != nil || ack.Duplicate || ack.Sequence != l.chain.last+1 {
			// Later futures fail by the expectations; their acks are not
			// waited for, and a late one changes nothing.
			l.chain.ok = false
			if err != nil {
				l.p.log.Debug("pipelined publish stopped; resending one at a time", "session", l.session, "ce_id", ws[i].id, "err", err)
			}
			return i
		}
		l.chain.last = ack.Sequence
		l.accept(ws[i].en.key)
		l.published(ws[i].typ, false)
	}
	if len(futures) < len(ws) {
		l.chain.ok = false
	}
	return len(futures)
}

func awaitAck(ctx context.Context, f jetstream.PubAckFuture) (*jetstream.PubAck, error) {
	select {
	case ack := <-f.Ok():
		return ack, nil
	case err := <-f.Err():
		return nil, fmt.Errorf("publishing %s: %w", f.Msg().Subject, err)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the PubAck on %s: %w", f.Msg().Subject, ctx.Err())
	}
}
