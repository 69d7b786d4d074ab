package webhooks_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/wabridge/wabridge/webhooks"
)

// max_age is the age of the event, not the time since its first attempt:
// events that waited longer than max_age (the receiver down, the bridge
// stopped, an earlier event of the chat failing) get one attempt each and
// are then dead-lettered, so a backlog behind a dead receiver reaches the
// dead letters instead of expiring one event per max_age while WA_EVENTS'
// retention drops the rest. A restart does not start the clock again.
func TestMaxAgeCountsFromTheEvent(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusInternalServerError })
	c := e.create(webhooks.Definition{URL: rc.srv.URL, MaxAge: webhooks.Duration(time.Second)})
	e.stop()
	for i := range 3 {
		e.publish(i)
	}
	time.Sleep(1200 * time.Millisecond) // the events are older than max_age now
	e.start()
	ctx := context.Background()
	eventually(t, "3 dead letters", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 3
	})
	page, err := e.svc.DeadLetters(ctx, c.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range page.Items {
		if d.Attempts != 1 {
			t.Errorf("event %d was tried %d times after it was older than max_age, want 1", d.EventSeq, d.Attempts)
		}
	}
	if n := len(rc.deliveries()); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
}
