package webhooks_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/webhooks"
)

// Dead letters are bounded in bytes as well as in age: a receiver failing
// for weeks under a busy account must not fill the disk. The oldest go
// first; the newest stay.
func TestDeadLettersAreBoundedInBytes(t *testing.T) {
	e := newEnv(t)
	e.stop()
	e.cfg.DeadLetterMaxBytes = 8 << 10
	e.start()
	rc := newReceiver(t, func(string, string, int) int { return http.StatusInternalServerError })
	c := e.create(webhooks.Definition{URL: rc.srv.URL, MaxAge: webhooks.Duration(time.Second)})
	e.stop()
	var last string
	for i := range 40 {
		last = e.publish(i)
	}
	time.Sleep(1100 * time.Millisecond) // older than max_age: one attempt each
	e.start()
	ctx := context.Background()
	eventually(t, "every event tried", func() bool { return len(rc.deliveries()) >= 40 })
	eventually(t, "the last event dead-lettered", func() bool {
		page, err := e.svc.DeadLetters(ctx, c.ID, 0, 100)
		if err != nil || len(page.Items) == 0 {
			return false
		}
		return strings.Contains(string(page.Items[len(page.Items)-1].Event), last)
	})
	stream, err := e.js.Stream(ctx, "WA_WEBHOOKS_DEAD")
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Bytes > 8<<10 || info.State.Msgs >= 40 {
		t.Fatalf("dead letters hold %d bytes in %d messages, bound 8 KiB", info.State.Bytes, info.State.Msgs)
	}
}
