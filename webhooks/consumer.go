package webhooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// errWebhookGone ends a runner whose webhook is no longer stored.
var errWebhookGone = errors.New("the webhook was deleted")

// claimConsumer creates (or updates) the webhook's consumer, then checks
// that the webhook is still stored. A runner (on any node) that had not
// seen a Delete yet would otherwise create the consumer again after the
// Delete removed it: a durable consumer nobody deletes, holding WA_EVENTS'
// messages forever. Checking after creating closes that window: a Delete
// that removed the key before the check is seen here, and the consumer
// deleted; one that removes it later deletes the consumer itself.
//
// A stop does not cut it short: a creation abandoned when its request is
// sent could still be done by the server after the Delete that stopped the
// runner removed the consumer.
func (r *runner) claimConsumer(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	if err := r.svc.ensureConsumer(ctx, r.settings().hook); err != nil {
		return err
	}
	_, err := r.svc.kv.Get(ctx, r.id)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		if err := r.svc.deleteConsumer(ctx, r.id); err != nil {
			return err
		}
		return errWebhookGone
	case err != nil:
		return fmt.Errorf("checking that webhook %s is still stored: %w", r.id, err)
	}
	return nil
}

// deleteConsumer removes webhook id's consumer; one already gone is fine.
func (s *Service) deleteConsumer(ctx context.Context, id string) error {
	err := s.cfg.JS.DeleteConsumer(ctx, s.cfg.Subjects.EventsStream(), consumerName(id))
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("deleting the consumer of webhook %s: %w", id, err)
	}
	return nil
}

// claimTimeout bounds creating the consumer and checking the webhook.
const claimTimeout = 10 * time.Second

// deletionWait bounds how long Delete waits for this node's watch.
const deletionWait = 5 * time.Second

// awaitDeletion returns a channel closed once this node's watch has
// applied the deletion of webhook id.
func (s *Service) awaitDeletion(id string) chan struct{} {
	ch := make(chan struct{})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletions[id] = append(s.deletions[id], ch)
	return ch
}

// forgetDeletion drops a waiter that is not closed (the deletion failed or
// the wait ended).
func (s *Service) forgetDeletion(id string, ch chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletions[id] = slices.DeleteFunc(s.deletions[id], func(c chan struct{}) bool { return c == ch })
	if len(s.deletions[id]) == 0 {
		delete(s.deletions, id)
	}
}

// deletionApplied wakes the Deletes waiting for id's deletion.
func (s *Service) deletionApplied(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.deletions[id] {
		close(ch)
	}
	delete(s.deletions, id)
}
