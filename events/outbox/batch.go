package outbox

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
)

// entry is one event of a batch, checked and encoded for its queue.
type entry struct {
	session, id string
	rec         []byte
}

// EmitAll stores every event of es for publication, in their order, in one
// transaction with the writes in also: all are kept or none is. A history
// sync blob of thousands of messages thus costs one fsync instead of one
// per message. As with Emit, an id already emitted within the horizon (or
// earlier in es) stores no second entry; any event that cannot be stored
// (invalid, too large for a NATS message) fails the whole batch before
// anything is written.
func (o *Outbox) EmitAll(ctx context.Context, es []events.Event, also ...store.Write) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storing %d events in outbox: %w", len(es), err)
	}
	now := o.now()
	entries, err := o.encodeAll(es, now)
	if err != nil {
		return err
	}
	if err := o.commitAll(entries, now, also); err != nil {
		return fmt.Errorf("storing %d events in outbox: %w", len(es), err)
	}
	signalled := map[string]bool{}
	for _, ent := range entries {
		if !signalled[ent.session] {
			signalled[ent.session] = true
			o.signal(ent.session)
		}
	}
	return nil
}

// encodeEvent makes e the entry Put would store, with the same checks
// (NewCloudEvent has validated the CloudEvent).
func (o *Outbox) encodeEvent(e events.Event, now time.Time) (entry, error) {
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		return entry{}, err
	}
	subject := eventSubject(o.subjects, e)
	session, err := o.checkSubject(subject)
	if err != nil {
		return entry{}, err
	}
	rec, err := o.wireOf(session, subject, ce, now)
	if err != nil {
		return entry{}, err
	}
	return entry{session: session, id: ce.ID(), rec: rec}, nil
}

// commitAll is commit for many entries: the also writes, then each entry
// not yet in the ledger, in one group-commit transaction.
func (o *Outbox) commitAll(entries []entry, now time.Time, also []store.Write) error {
	return o.group.Update(func(tx *bolt.Tx) error {
		for _, w := range also {
			if w == nil {
				continue
			}
			if err := w(tx); err != nil {
				return err
			}
		}
		for _, ent := range entries {
			if o.emitted.seen(tx, ent.id) {
				continue
			}
			if err := o.emitted.mark(tx, ent.id, now); err != nil {
				return err
			}
			if err := enqueue(tx, ent.session, ent.rec); err != nil {
				return err
			}
		}
		return nil
	})
}
