package bridge_test

import (
	"context"
	"errors"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
)

// EmitAll keeps a batch as the outbox does: every event with the writes, or
// nothing when the sink fails.
func (r *recordingSink) EmitAll(_ context.Context, es []events.Event, also ...store.Write) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if r.fail != nil {
		return r.fail
	}
	if r.failures > 0 {
		r.failures--
		return errors.New("outbox unavailable")
	}
	if err := r.db.Commit(also...); err != nil {
		return err
	}
	for _, e := range es {
		if err := events.Validate(e); err != nil {
			r.invalid = append(r.invalid, err)
		}
	}
	r.events = append(r.events, es...)
	return nil
}
