package transport_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestRPCBusyWhenSlotsFull: with every slot of a session taken, the next
// request is answered BUSY at once (while the others still run), it never
// runs later, and once the slots are free requests run again.
func TestRPCBusyWhenSlotsFull(t *testing.T) {
	const limit = 3
	nc := connect(t, startServer(t))
	release := make(chan struct{})
	ex := &fakeExecutor{behave: func(ctx context.Context, _ int, cmd event.Event) (int, string) {
		if cmd.ID() != "after" {
			<-release
		}
		return http.StatusOK, ""
	}}
	startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{MaxConcurrent: limit})

	inbox := nats.NewInbox()
	replies, err := nc.SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	for i := range limit {
		msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command(fmt.Sprintf("slow%d", i)), cenats.Binary)
		if err != nil {
			t.Fatal(err)
		}
		msg.Reply = inbox
		if err := nc.PublishMsg(msg); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "every slot taken", func() bool { return len(ex.Calls()) == limit })

	res := request(t, nc, subjects.RPC("default", "send.message"), command("extra"), cenats.Binary)
	if status, code := resultCode(t, res); status != http.StatusServiceUnavailable || code != werr.CodeBusy {
		t.Errorf("request beyond the slots: %d %s, want 503 %s", status, code, werr.CodeBusy)
	}
	close(release)
	for range limit {
		if _, err := replies.NextMsg(10 * time.Second); err != nil {
			t.Fatalf("reply of a slow request: %v", err)
		}
	}
	res = request(t, nc, subjects.RPC("default", "send.message"), command("after"), cenats.Binary)
	if status, code := resultCode(t, res); status != http.StatusOK {
		t.Errorf("request after the slots freed: %d %s", status, code)
	}
	for _, c := range ex.Calls() {
		if c.ID == "extra" {
			t.Error("the request answered BUSY ran after all")
		}
	}
}

// TestRPCTrusted: only a request carrying this process's internal token is
// trusted; no token configured trusts nobody, not even an empty header.
func TestRPCTrusted(t *testing.T) {
	for _, tc := range []struct {
		name, configured, sent string
		header                 bool
		want                   bool
	}{
		{"right token", "s3cret", "s3cret", true, true},
		{"wrong token", "s3cret", "s3cres", true, false},
		{"prefix of the token", "s3cret", "s3c", true, false},
		{"no header", "s3cret", "", false, false},
		{"nothing configured, empty header", "", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := connect(t, startServer(t))
			ex := &fakeExecutor{}
			startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{InternalToken: tc.configured})
			msg, err := cenats.NewMsg(subjects.RPC("default", "send.message"), command("c1"), cenats.Binary)
			if err != nil {
				t.Fatal(err)
			}
			if tc.header {
				msg.Header.Set(natsbus.HeaderInternal, tc.sent)
			}
			requestMsg(t, nc, msg)
			calls := ex.FullCalls()
			if len(calls) != 1 {
				t.Fatalf("%d calls", len(calls))
			}
			if calls[0].Trusted != tc.want || calls[0].Durable {
				t.Errorf("Trusted %v Durable %v, want Trusted %v and not durable", calls[0].Trusted, calls[0].Durable, tc.want)
			}
		})
	}
}

// TestRPCCallerDeadline: a request whose expirytime has passed is answered
// EXPIRED and never run; one with a later expirytime runs within it.
func TestRPCCallerDeadline(t *testing.T) {
	nc := connect(t, startServer(t))
	deadlines := make(chan time.Time, 1)
	ex := &fakeExecutor{behave: func(ctx context.Context, _ int, _ event.Event) (int, string) {
		d, _ := ctx.Deadline()
		deadlines <- d
		return http.StatusOK, ""
	}}
	startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{Timeout: time.Hour})

	past := command("late")
	past.SetExtension(commands.ExtExpiryTime, time.Now().Add(-time.Second).UTC().Format(time.RFC3339Nano))
	res := request(t, nc, subjects.RPC("default", "send.message"), past, cenats.Binary)
	if status, code := resultCode(t, res); status != http.StatusGone || code != werr.CodeExpired {
		t.Errorf("expired request: %d %s, want 410 %s", status, code, werr.CodeExpired)
	}
	if n := len(ex.Calls()); n != 0 {
		t.Fatalf("the expired request ran (%d calls)", n)
	}

	expiry := time.Now().Add(time.Minute).UTC().Truncate(time.Second)
	future := command("in-time")
	future.SetExtension(commands.ExtExpiryTime, expiry.Format(time.RFC3339))
	res = request(t, nc, subjects.RPC("default", "send.message"), future, cenats.Binary)
	if status, _ := resultCode(t, res); status != http.StatusOK || res.Extensions()[commands.ExtCausationID] != "in-time" {
		t.Errorf("request in time: %d", status)
	}
	if d := <-deadlines; !d.Equal(expiry) {
		t.Errorf("ran with deadline %v, want the caller's %v", d, expiry)
	}
}
