package chatstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"
)

// consumer finds or creates the projector's durable consumer so that it
// delivers from just after the store's position. A consumer ahead of the
// store (the store's file was removed or restored from a backup) is made
// again from the store's position, so nothing is skipped; so is one that
// delivered past it (a projector killed between a fetch and its commit):
// those events would come back only after the ack wait, behind later ones,
// and acking a later one (AckAll) would ack them unapplied.
func (p *Projector) consumer(ctx context.Context) (jetstream.Consumer, error) {
	pos, err := p.upToDatePosition(ctx)
	if err != nil {
		return nil, err
	}
	p.applied.Store(pos)
	cons, err := p.js.Consumer(ctx, p.cfg.Stream, p.cfg.Durable)
	switch {
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		return p.create(ctx, pos)
	case err != nil:
		return nil, fmt.Errorf("looking up consumer %s on %s: %w", p.cfg.Durable, p.cfg.Stream, err)
	}
	info := cons.CachedInfo()
	if info.AckFloor.Stream > pos || info.Delivered.Stream > pos {
		p.cfg.Log.Warn("chat store: consumer is ahead of the store; replaying from the store's position",
			"consumer_seq", info.AckFloor.Stream, "delivered_seq", info.Delivered.Stream, "store_seq", pos)
		if err := p.deleteConsumer(ctx); err != nil {
			return nil, err
		}
		return p.create(ctx, pos)
	}
	want := p.cfg.filters()
	if slices.Equal(info.Config.FilterSubjects, want) {
		return cons, nil
	}
	// The sessions changed: keep the consumer's place, take the new filter.
	cc := info.Config
	cc.FilterSubjects, cc.FilterSubject = want, ""
	cons, err = p.js.UpdateConsumer(ctx, p.cfg.Stream, cc)
	if err != nil {
		return nil, fmt.Errorf("updating consumer %s: %w", p.cfg.Durable, err)
	}
	return cons, nil
}

// upToDatePosition is the store's position, after dropping a store that
// an older projection version built: the events that version did not
// apply lie before its position, and applying them late (a read result
// after the messages that followed it) would not give the store that
// stream order gives, so the store is built again from the stream.
func (p *Projector) upToDatePosition(ctx context.Context) (uint64, error) {
	pos, err := position(ctx, p.s.r, p.cfg.Durable)
	if err != nil || pos == 0 {
		return pos, err
	}
	v, err := projectedVersion(ctx, p.s.r, p.cfg.Durable)
	if err != nil || v >= projectionVersion {
		return pos, err
	}
	p.cfg.Log.Warn("chat store: built by an older projection; rebuilding it from the stream",
		"store_version", v, "version", projectionVersion, "store_seq", pos)
	if err := p.deleteConsumer(ctx); err != nil {
		return 0, err
	}
	if err := p.s.drop(ctx, p.cfg); err != nil {
		return 0, err
	}
	return 0, nil
}

func (p *Projector) create(ctx context.Context, pos uint64) (jetstream.Consumer, error) {
	cons, err := p.js.CreateConsumer(ctx, p.cfg.Stream, p.cfg.consumerConfig(pos+1))
	if err != nil {
		return nil, fmt.Errorf("creating consumer %s on %s: %w", p.cfg.Durable, p.cfg.Stream, err)
	}
	return cons, nil
}

func (p *Projector) deleteConsumer(ctx context.Context) error {
	err := p.js.DeleteConsumer(ctx, p.cfg.Stream, p.cfg.Durable)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("deleting consumer %s: %w", p.cfg.Durable, err)
	}
	return nil
}
