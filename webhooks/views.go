package webhooks

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// List shows every webhook with its status, by id.
func (s *Service) List(ctx context.Context) ([]View, error) {
	stored, err := s.stored(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(stored))
	for _, w := range stored {
		v, err := s.view(ctx, w)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Get shows one webhook with its status; an unknown id is NOT_FOUND.
func (s *Service) Get(ctx context.Context, id string) (View, error) {
	w, _, err := s.load(ctx, id)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, w)
}

func (s *Service) view(ctx context.Context, w Webhook) (View, error) {
	v := viewOf(w)
	node, err := s.leases.holder(ctx, w.ID)
	if err != nil {
		return View{}, err
	}
	v.Node = node
	if r := s.runner(w.ID); r != nil {
		v.Status = r.st.get()
		v.Status.InFlight = r.inFlight()
	}
	cons, err := s.cfg.JS.Consumer(ctx, s.cfg.Subjects.EventsStream(), consumerName(w.ID))
	switch {
	case err == nil:
		v.Status.Lag = cons.CachedInfo().NumPending
	case !errors.Is(err, jetstream.ErrConsumerNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound):
		return View{}, fmt.Errorf("reading the consumer of webhook %s: %w", w.ID, err)
	}
	n, err := s.deadCount(ctx, w.ID)
	if err != nil {
		return View{}, err
	}
	v.Status.DeadLetters = n
	return v, nil
}
