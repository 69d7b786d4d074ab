package transport_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
)

// TestDurableBacklog: the commands not yet acked of each session and the
// age of the oldest, the one being handled included; an empty queue has
// no age.
func TestDurableBacklog(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	entered, release := make(chan struct{}), make(chan struct{})
	ex := &fakeExecutor{behave: func(_ context.Context, n int, _ event.Event) (int, string) {
		if n == 1 {
			close(entered)
			<-release
		}
		return http.StatusOK, ""
	}}
	now := time.Now().Add(time.Hour)
	cfg := testDurableConfig(s)
	cfg.Sessions = []string{"default", "idle"}
	cfg.Now = func() time.Time { return now }
	d, stop := runDurable(t, cfg, ex, &fakeSink{})

	// Another session's command in between: the stream holds all of them.
	publishCmd(t, js, subjects.Cmd("idle2", "send.message"), command("x"), cenats.Binary)
	for _, id := range []string{"c1", "c2", "c3"} {
		publishCmd(t, js, subjects.Cmd("default", "send.message"), command(id), cenats.Binary)
	}
	wait(t, entered, "c1 started")
	// The server counts a consumer's pending messages as they reach it,
	// a moment after their PubAck: wait for the count, then compare all.
	var got map[string]transport.Backlog
	eventually(t, "three commands counted", func() bool {
		var err error
		got, err = d.Backlog(context.Background())
		if err != nil {
			t.Fatalf("Backlog: %v", err)
		}
		return got["default"].Pending == 3
	})
	want := map[string]transport.Backlog{
		"default": {Pending: 3, Oldest: now.Sub(storedTimes(t, js)["c1"])},
		"idle":    {},
	}
	if len(got) != len(want) || got["default"] != want["default"] || got["idle"] != want["idle"] {
		t.Errorf("Backlog = %+v, want %+v", got, want)
	}

	close(release)
	eventually(t, "queue empty", func() bool { return len(ex.Recorded()) == 3 && settled(t, js) })
	got, err := d.Backlog(context.Background())
	if err != nil {
		t.Fatalf("Backlog: %v", err)
	}
	if got["default"] != (transport.Backlog{}) {
		t.Errorf("Backlog of an empty queue = %+v", got["default"])
	}
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
}
