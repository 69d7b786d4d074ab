package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
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

// encodeEvent makes e the record Put would store, with the same checks.
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
	if err := ce.Validate(); err != nil {
		return entry{}, fmt.Errorf("storing event in outbox: invalid cloudevent: %w", err)
	}
	if err := o.checkWire(subject, ce); err != nil {
		return entry{}, err
	}
	rec, err := encodeRecord(session, subject, now, ce)
	if err != nil {
		return entry{}, err
	}
	return entry{session: session, id: ce.ID(), rec: rec}, nil
}

// encodeRecord is what Put stores, encoded for less: json.Marshal of a
// CloudEvent, and of a record holding it as a json.RawMessage, both
// re-scan and compact what MarshalJSON wrote, which took two thirds of the
// encoding. The CloudEvent's own MarshalJSON is compact already, and valid:
// encodeEvent's checkWire has encoded the same event with json.Marshal
// before, refusing what does not encode. The record reads back the same
// with json.Unmarshal (only <, > and & in strings may stay unescaped).
func encodeRecord(session, subject string, now time.Time, ce event.Event) ([]byte, error) {
	raw, err := ce.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encoding cloudevent %s: %w", ce.ID(), err)
	}
	head, err := json.Marshal(record{Session: session, Subject: subject, Enqueued: now})
	if err != nil {
		return nil, fmt.Errorf("encoding outbox record %s: %w", ce.ID(), err)
	}
	// head ends in `"event":null}`: the event goes in place of the null.
	if !bytes.HasSuffix(head, []byte(`"event":null}`)) {
		return nil, fmt.Errorf("encoding outbox record %s: unexpected record encoding %q", ce.ID(), head)
	}
	head = head[:len(head)-len("null}")]
	rec := make([]byte, 0, len(head)+len(raw)+1)
	rec = append(append(append(rec, head...), raw...), '}')
	return rec, nil
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
