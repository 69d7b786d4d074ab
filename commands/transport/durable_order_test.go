package transport_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestDurableKeepsPublishOrder: a session's durable commands take effect in
// the order they were published, also when the first one waits out an
// offline session through redeliveries.
func TestDurableKeepsPublishOrder(t *testing.T) {
	s := startServer(t)
	js := createCommandStream(t, connect(t, s))
	const n = 12
	ex := &fakeExecutor{behave: func(_ context.Context, run int, cmd event.Event) (int, string) {
		if cmd.ID() == "c00" && run <= 3 {
			return http.StatusServiceUnavailable, werr.CodeNotConnected
		}
		return http.StatusOK, ""
	}}
	_, stop := runDurable(t, testDurableConfig(s), ex, &fakeSink{})
	for i := range n {
		publishCmd(t, js, "wa.default.cmd.send.message", command(fmt.Sprintf("c%02d", i)), cenats.Binary)
	}
	eventually(t, "every command ended", func() bool { return len(ex.Recorded()) == n })
	if err := stop(); err != nil {
		t.Errorf("stopping: %v", err)
	}
	var order []string
	for _, ev := range ex.Recorded() {
		order = append(order, ev.Extensions()["causationid"].(string))
	}
	for i, id := range order {
		if want := fmt.Sprintf("c%02d", i); id != want {
			t.Fatalf("results in order %v, want c00..c%02d in publish order", order, n-1)
		}
	}
	if peak := ex.Peak(); peak != 1 {
		t.Errorf("%d commands of one session ran at once, want 1", peak)
	}
}
