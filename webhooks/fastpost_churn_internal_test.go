package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// 200 webhooks that delivered and were deleted keep no connection open:
// each runner's poster closes its connections when the runner ends,
// instead of leaving them idle until fasthttp's idle timeout (one fd and
// one cleaner goroutine per dead runner meanwhile).
func TestDeletedWebhooksCloseTheirConnections(t *testing.T) {
	var delivered atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	svc, js := startedService(t)
	ctx := context.Background()
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		c, err := svc.Create(ctx, Definition{URL: srv.URL + "/hook"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	ev := events.NumberedSample("default", 1)
	ce, err := events.NewCloudEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cenats.NewMsg(svc.cfg.Subjects.Event(ev.Session, ev.Subject, "message.received"), ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	msg.Header.Set(nats.MsgIdHdr, ce.ID())
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); delivered.Load() < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d webhooks delivered", delivered.Load(), n)
		}
	}
	g0, fds0 := runtime.NumGoroutine(), openFDs()
	posters := make([]*fastPoster, 0, n)
	for _, id := range ids {
		if r := svc.runner(id); r != nil && r.fast != nil {
			posters = append(posters, r.fast)
		}
		if err := svc.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if len(posters) == 0 {
		t.Fatal("no runner posted over fasthttp")
	}
	open := 0
	for _, p := range posters {
		p.mu.Lock()
		open += len(p.conns)
		p.mu.Unlock()
	}
	t.Logf("after delivering: %d goroutines, %d fds; after deleting all: %d goroutines, %d fds",
		g0, fds0, runtime.NumGoroutine(), openFDs())
	if open != 0 {
		t.Errorf("%d connections of %d deleted webhooks' posters still open", open, len(posters))
	}
}

func openFDs() int {
	fds, _ := os.ReadDir("/proc/self/fd")
	return len(fds)
}
