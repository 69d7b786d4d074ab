package transport_test

import (
	"context"
	"testing"

	"github.com/wabridge/wabridge/commands/transport"
)

func TestDurableLifecycle(t *testing.T) {
	s := startServer(t)
	createCommandStream(t, connect(t, s))
	t.Run("Run ends with its context", func(t *testing.T) {
		d, err := transport.NewDurable(testDurableConfig(s), &fakeExecutor{}, &fakeSink{}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- d.Run(ctx) }()
		wait(t, d.Running(), "running")
		cancel()
		if err := wait(t, ran, "Run returned"); err != nil {
			t.Errorf("Run: %v", err)
		}
		if err := d.Run(context.Background()); err == nil {
			t.Error("Run after Close succeeded")
		}
	})
	t.Run("Close before Run", func(t *testing.T) {
		d, err := transport.NewDurable(testDurableConfig(s), &fakeExecutor{}, &fakeSink{}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
	t.Run("missing stream", func(t *testing.T) {
		cfg := testDurableConfig(s)
		cfg.Stream = "NO_SUCH_STREAM"
		d, err := transport.NewDurable(cfg, &fakeExecutor{}, &fakeSink{}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Run(context.Background()); err == nil {
			t.Error("Run without its stream succeeded")
		}
		if err := d.Close(); err != nil {
			t.Errorf("Close after a failed Run: %v", err)
		}
	})
}
