package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/ident"
)

// A durable command past its lifetime ends with EXPIRED, recorded and
// audited, without running: a Monday send does not go out on Thursday.
func TestDurableCommandExpires(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	cmd := command(t, "send.message", "old", okText)
	res := durable(r.d, ctx, "send.message", cmd, fixedNow.Add(-commands.DefaultLifetime))
	b := decode(t, res.Event)
	if b.Status != 410 || b.Code != "EXPIRED" || res.Retryable {
		t.Fatalf("status %d code %s retryable=%v, want a final 410 EXPIRED", b.Status, b.Code, res.Retryable)
	}
	if len(r.sess.Calls()) != 0 {
		t.Fatalf("an expired command ran: %v", r.sess.Calls())
	}
	if got := r.audit.entries(t); len(got) != 1 || got[0].event(t).ID() != res.Event.ID() {
		t.Fatalf("audit %+v, want the EXPIRED result", got)
	}
	if again := durable(r.d, ctx, "send.message", cmd, fixedNow.Add(-commands.DefaultLifetime)); !again.Replayed || again.Event.ID() != res.Event.ID() {
		t.Errorf("redelivery replayed=%v: EXPIRED must be the command's recorded end", again.Replayed)
	}
	// Within its lifetime it runs.
	young := durable(r.d, ctx, "send.message", command(t, "send.message", "young", okText), fixedNow.Add(-commands.DefaultLifetime+time.Second))
	if decode(t, young.Event).Status != 200 {
		t.Errorf("a command within its lifetime: %s", young.Event.Data())
	}
}

func TestLifetimeIsConfigurable(t *testing.T) {
	r := newRig(t)
	cfg := r.config(t)
	cfg.Lifetime = time.Minute
	d := newDispatcher(t, cfg)
	res := durable(d, context.Background(), "app.logout", command(t, "app.logout", "x", `{}`), fixedNow.Add(-2*time.Minute))
	if b := decode(t, res.Event); b.Code != "EXPIRED" {
		t.Errorf("two minutes old with a one-minute lifetime: %d %s", b.Status, b.Code)
	}
}

// expirytime wins over the lifetime, in both directions.
func TestExpiryTimeExtension(t *testing.T) {
	tests := []struct {
		name      string
		durable   bool
		published time.Time
		expiry    any
		status    int
		code      string
		recorded  bool
	}{
		{"durable, expirytime ahead of an old publish", true, fixedNow.Add(-48 * time.Hour), fixedNow.Add(time.Hour).Format(time.RFC3339), 200, "", true},
		{"durable, expirytime passed on a fresh publish", true, fixedNow, fixedNow.Add(-time.Second).Format(time.RFC3339Nano), 410, "EXPIRED", true},
		{"durable, expirytime as a timestamp", true, fixedNow, fixedNow.Add(-time.Hour), 410, "EXPIRED", true},
		{"rpc, expirytime passed", false, time.Time{}, fixedNow.Add(-time.Second).Format(time.RFC3339), 410, "EXPIRED", false},
		{"rpc, expirytime ahead", false, time.Time{}, fixedNow.Add(time.Second).Format(time.RFC3339), 200, "", true},
		{"rpc, expirytime not a time", false, time.Time{}, "tomorrow", 400, "INVALID_CLOUDEVENT", false},
		{"durable, expirytime not a time", true, fixedNow, "2025-13-01T00:00:00Z", 400, "INVALID_CLOUDEVENT", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			ctx := context.Background()
			cmd := command(t, "app.logout", "e", `{}`)
			cmd.SetExtension(ident.ExtExpiryTime, tt.expiry)
			c := commands.Call{Session: "default", Name: "app.logout", Cmd: cmd, Durable: tt.durable, Published: tt.published}
			b := decode(t, r.d.Dispatch(ctx, c).Event)
			if b.Status != tt.status || b.Code != tt.code {
				t.Fatalf("status %d code %s (%s), want %d %s", b.Status, b.Code, b.Message, tt.status, tt.code)
			}
			if ran := len(r.sess.Calls()) == 1; ran != (tt.status == 200) {
				t.Errorf("handler ran=%v for status %d", ran, b.Status)
			}
			if again := r.d.Dispatch(ctx, c); again.Replayed != tt.recorded {
				t.Errorf("recorded=%v, want %v", again.Replayed, tt.recorded)
			}
		})
	}
}
