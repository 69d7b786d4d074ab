package transport_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

var defaultConsumer = transport.ConsumerName(transport.DefaultDurable, "default")

// TestDurableConsumerSurvivesCleanStop: command, clean stop, the consumer
// is still there, start again, new command: the executor saw exactly the
// two, in order; the first was not run again.
func TestDurableConsumerSurvivesCleanStop(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	ex := &fakeExecutor{}
	cfg := testDurableConfig(s)

	_, stop := runDurable(t, cfg, ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c1"), cenats.Binary)
	eventually(t, "c1 acked", func() bool { return settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if _, err := js.Consumer(context.Background(), natsbus.StreamCommands, defaultConsumer); err != nil {
		t.Fatalf("consumer after a clean stop: %v", err)
	}

	_, stop = runDurable(t, cfg, ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("c2"), cenats.Binary)
	eventually(t, "c2 acked", func() bool { return len(ex.Calls()) >= 2 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping again: %v", err)
	}
	want := []call{{"default", "send.message", "c1"}, {"default", "send.message", "c2"}}
	if got := ex.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

// TestDurableCreatesItsConsumer: the consumer is made as configured (not
// left to a client library's defaults), and a restart with other settings
// updates it in place.
func TestDurableCreatesItsConsumer(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	cfg := testDurableConfig(s)
	cfg.Concurrency, cfg.MaxAckPending = 2, 3
	for _, ackWait := range []time.Duration{8 * time.Second, 9 * time.Second} {
		cfg.AckWait = ackWait
		_, stop := runDurable(t, cfg, &fakeExecutor{}, &fakeSink{})
		if err := stop(); err != nil {
			t.Fatalf("stopping: %v", err)
		}
		info := consumerInfo(t, js, "default")
		c := info.Config
		if c.Durable != defaultConsumer || c.FilterSubject != "wa.default.cmd.>" || c.AckPolicy != jetstream.AckExplicitPolicy ||
			c.AckWait != ackWait || c.MaxDeliver != -1 || c.MaxAckPending != 3 || c.DeliverPolicy != jetstream.DeliverAllPolicy ||
			c.DeliverSubject != "" {
			t.Errorf("consumer config = %+v", c)
		}
	}
}

// TestDurableReplacesAnEarlierPushConsumer: a push consumer an earlier
// version left behind (after a crash) is replaced by a pull consumer that
// starts after its ack floor: what it acked is not run again.
func TestDurableReplacesAnEarlierPushConsumer(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	ctx := context.Background()
	push, err := js.CreateOrUpdatePushConsumer(ctx, natsbus.StreamCommands, jetstream.ConsumerConfig{
		Durable: defaultConsumer, FilterSubject: "wa.default.cmd.>", AckPolicy: jetstream.AckExplicitPolicy,
		DeliverSubject: "deliver.old", DeliverGroup: defaultConsumer,
	})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := push.Consume(func(m jetstream.Msg) { _ = m.Ack() })
	if err != nil {
		t.Fatal(err)
	}
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("old"), cenats.Binary)
	eventually(t, "old acked", func() bool {
		info, err := push.Info(ctx)
		return err == nil && info.AckFloor.Stream == 1
	})
	cc.Stop()

	ex := &fakeExecutor{}
	_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})
	publishCmd(t, js, subjects.Cmd("default", "send.message"), command("new"), cenats.Binary)
	eventually(t, "new acked", func() bool { return len(ex.Calls()) >= 1 && settled(t, js) })
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if got := fmt.Sprint(ex.Calls()); got != fmt.Sprint([]call{{"default", "send.message", "new"}}) {
		t.Errorf("calls = %s, want only new", got)
	}
	if c := consumerInfo(t, js, "default").Config; c.DeliverSubject != "" {
		t.Errorf("still a push consumer: %+v", c)
	}
}
