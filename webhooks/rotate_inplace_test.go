package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/wabridge/wabridge/webhooks"
)

// A secret rotation changes no filter, so the running delivery takes the
// new keys in place: it is not restarted (a restart hands back the events
// in flight and holds delivery until they and acks in flight come back, up
// to twice the ack wait). The runner's status counts every delivery, those
// before the rotation too, which a new runner would not.
func TestRotationDoesNotRestartDelivery(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	ctx := context.Background()
	e.publish(0)
	eventually(t, "the first delivery", func() bool { return len(rc.succeeded()) == 1 })

	rot, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{})
	if err != nil {
		t.Fatal(err)
	}
	next, err := standardwebhooks.NewWebhook(rot.Secret)
	if err != nil {
		t.Fatal(err)
	}
	// Until the bucket's watch brings the rotation, deliveries carry the
	// old signature only.
	for i := 1; ; i++ {
		if i > 50 {
			t.Fatal("no delivery signed with the new secret")
		}
		e.publish(i)
		eventually(t, "a delivery after the rotation", func() bool { return len(rc.succeeded()) == i+1 })
		d := rc.succeeded()[i]
		if next.Verify(d.body, d.header) == nil {
			verify(t, c.Secret, d.body, d.header) // the old one signs beside it
			break
		}
	}
	v, err := e.svc.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := uint64(len(rc.succeeded())); v.Status.Delivered != n || !v.Status.Running {
		t.Fatalf("status %+v after %d deliveries: the rotation restarted the delivery", v.Status, n)
	}
}

// A change of the filters (the stored webhook edited) still re-binds:
// the consumer takes the new filter subjects.
func TestFilterChangeRebindsTheConsumer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(webhooks.Definition{URL: "http://127.0.0.1:1/"})
	kv, err := e.js.KeyValue(ctx, "WA_WEBHOOKS")
	if err != nil {
		t.Fatal(err)
	}
	entry, err := kv.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stored map[string]any
	if err := json.Unmarshal(entry.Value(), &stored); err != nil {
		t.Fatal(err)
	}
	stored["events"] = []string{"io.wabridge.message.sent"}
	b, _ := json.Marshal(stored)
	if _, err := kv.Update(ctx, c.ID, b, entry.Revision()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the consumer's new filter", func() bool {
		cons, err := e.js.Consumer(ctx, e.subj.EventsStream(), "webhook_"+c.ID)
		if err != nil {
			return false
		}
		f := cons.CachedInfo().Config.FilterSubjects
		return len(f) == 1 && strings.HasSuffix(f[0], ".message.sent")
	})
}

// The node answering a rotation signs with the new secret from the next
// attempt on, without waiting for its bucket's watch: an event published
// after Rotate returned carries the new signature.
func TestRotationTakesEffectAtOnceOnItsNode(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	ctx := context.Background()
	e.publish(0)
	eventually(t, "the first delivery", func() bool { return len(rc.succeeded()) == 1 })
	for i := 1; i <= 30; i++ {
		rot, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{})
		if err != nil {
			t.Fatal(err)
		}
		e.publish(i)
		eventually(t, "the delivery after the rotation", func() bool { return len(rc.succeeded()) == i+1 })
		d := rc.succeeded()[i]
		verify(t, rot.Secret, d.body, d.header)
	}
}
