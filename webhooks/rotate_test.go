package webhooks_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/webhooks"
)

// A webhook made over REST rotates its secret without a gap: after Rotate
// every delivery carries both signatures (each node's runner takes the new
// keys from the bucket's watch), after End only the new one.
func TestRotateSignsWithBothUntilEnd(t *testing.T) {
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
	if rot.Secret == c.Secret || !rot.Rotating || !strings.HasPrefix(rot.Secret, "whsec_") {
		t.Fatalf("rotated %+v", rot)
	}
	e.publish(1)
	eventually(t, "the second delivery", func() bool { return len(rc.succeeded()) == 2 })
	d := rc.succeeded()[1]
	verify(t, c.Secret, d.body, d.header)
	verify(t, rot.Secret, d.body, d.header)
	if v, err := e.svc.Get(ctx, c.ID); err != nil || !v.Rotating {
		t.Fatalf("view during the rotation %+v, %v", v, err)
	}

	end, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{End: true})
	if err != nil || end.Secret != rot.Secret || end.Rotating {
		t.Fatalf("ending the rotation: %+v, %v", end, err)
	}
	e.publish(2)
	eventually(t, "the third delivery", func() bool { return len(rc.succeeded()) == 3 })
	d = rc.succeeded()[2]
	verify(t, rot.Secret, d.body, d.header)
	old, _ := standardwebhooks.NewWebhook(c.Secret)
	if old.Verify(d.body, d.header) == nil {
		t.Fatal("the old secret still signs after the rotation ended")
	}

	given := webhooks.NewSecret()
	if r, err := e.svc.Rotate(ctx, c.ID, webhooks.Rotation{Secret: given}); err != nil || r.Secret != given {
		t.Fatalf("rotating to a given secret: %+v, %v", r, err)
	}
	for _, bad := range []webhooks.Rotation{{Secret: "hunter2"}, {Secret: given, End: true}} {
		if _, err := e.svc.Rotate(ctx, c.ID, bad); werr.From(err).Code != werr.CodeInvalidPayload {
			t.Errorf("Rotate(%+v) = %v, want INVALID_PAYLOAD", bad, err)
		}
	}
	if _, err := e.svc.Rotate(ctx, "wh_nope", webhooks.Rotation{}); werr.From(err).Code != werr.CodeNotFound {
		t.Errorf("Rotate of an unknown webhook = %v", err)
	}
}

// A webhook of the config file rotates there: the file would undo it.
func TestRotateRefusesDeclared(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.svc.Declare(ctx, []webhooks.Definition{{URL: "http://127.0.0.1:1/", Secret: webhooks.NewSecret()}}); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	if _, err := e.svc.Rotate(ctx, list[0].ID, webhooks.Rotation{}); werr.From(err).Code != werr.CodeForbidden {
		t.Fatalf("Rotate of a declared webhook = %v, want FORBIDDEN", err)
	}
	if err := e.svc.Declare(ctx, []webhooks.Definition{{URL: "http://127.0.0.1:1/"}}); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("Declare without a secret = %v", err)
	}
}
