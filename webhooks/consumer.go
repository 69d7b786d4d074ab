package webhooks

import (
	"context"
	"errors"
	"fmt"

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
func (r *runner) claimConsumer(ctx context.Context) error {
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
