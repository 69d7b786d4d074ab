package transport

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/nats-io/nats.go/jetstream"
)

// ensureConsumers creates or updates every session's durable consumer, so
// the subscriptions only bind to what exists. A consumer that exists keeps
// its position (and its deliver policy, which JetStream does not let
// change); the settings that may change are brought to this config's.
func (d *Durable) ensureConsumers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	stream, err := d.js.Stream(ctx, d.cfg.Stream)
	if err != nil {
		return fmt.Errorf("looking up stream %s: %w", d.cfg.Stream, err)
	}
	for _, session := range d.cfg.Sessions {
		if err := d.ensureConsumer(ctx, stream, session); err != nil {
			return fmt.Errorf("creating the command consumer of session %s: %w", session, err)
		}
	}
	return nil
}

func (d *Durable) ensureConsumer(ctx context.Context, stream jetstream.Stream, session string) error {
	want := d.cfg.consumerConfig(session)
	existing, err := stream.Consumer(ctx, want.Durable)
	switch {
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		_, err = stream.CreateConsumer(ctx, want)
		return err
	case errors.Is(err, jetstream.ErrNotPullConsumer):
		return d.replacePushConsumer(ctx, stream, want)
	case err != nil:
		return err
	}
	have := existing.CachedInfo().Config
	want.DeliverPolicy, want.OptStartSeq, want.OptStartTime = have.DeliverPolicy, have.OptStartSeq, have.OptStartTime
	_, err = stream.UpdateConsumer(ctx, want)
	return err
}

// replacePushConsumer turns a push consumer, as earlier versions let the
// client library create (and a crash left behind), into the pull consumer
// of this version, starting after its ack floor: what it had acked stays
// done, what it had delivered but not acked comes again.
func (d *Durable) replacePushConsumer(ctx context.Context, stream jetstream.Stream, want jetstream.ConsumerConfig) error {
	old, err := stream.PushConsumer(ctx, want.Durable)
	if err != nil {
		return fmt.Errorf("reading push consumer: %w", err)
	}
	floor := old.CachedInfo().AckFloor.Stream
	if err := stream.DeleteConsumer(ctx, want.Durable); err != nil {
		return fmt.Errorf("replacing push consumer: %w", err)
	}
	if floor > 0 {
		want.DeliverPolicy, want.OptStartSeq = jetstream.DeliverByStartSequencePolicy, floor+1
	}
	d.log.Info("replaced the push consumer of an earlier version", "consumer", want.Durable, "start_seq", floor+1)
	_, err = stream.CreateConsumer(ctx, want)
	return err
}

// bindConsumer is the subscriber's ResourceInitializer: it looks up the
// consumer ensureConsumers created for topic and returns no closer, so
// closing the subscriber never deletes it.
func (d *Durable) bindConsumer(ctx context.Context, js jetstream.JetStream, topic string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
	for _, session := range d.cfg.Sessions {
		if d.topic(session) != topic {
			continue
		}
		name := ConsumerName(d.cfg.Durable, session)
		c, err := js.Consumer(ctx, d.cfg.Stream, name)
		if err != nil {
			return nil, nil, fmt.Errorf("binding to consumer %s: %w", name, err)
		}
		return c, nil, nil
	}
	return nil, nil, fmt.Errorf("no session's commands on topic %q", topic)
}
