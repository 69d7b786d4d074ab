package transport_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
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

const testSecret = "0123456789abcdef0123456789abcdef"

// signedCommand is a command as the REST adapter sends it: with an
// expirytime, signed over subject and fields with secret.
func signedCommand(t *testing.T, subject, id, secret string) *nats.Msg {
	t.Helper()
	e := command(id)
	expiry := time.Now().Add(time.Minute).UTC()
	e.SetExtension(ident.ExtExpiryTime, expiry.Format(time.RFC3339Nano))
	msg, err := cenats.NewMsg(subject, e, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	msg.Header.Set(natsbus.HeaderInternal, natsbus.Sign([]byte(secret), natsbus.Signed{
		Subject: subject, ID: e.ID(), Source: e.Source(), Type: e.Type(), Expiry: expiry, Data: e.Data(),
	}))
	return msg
}

// TestRPCTrusted: only a request signed with the configured secret over
// this very command is trusted; no secret configured trusts nobody.
func TestRPCTrusted(t *testing.T) {
	subject := subjects.RPC("default", "send.message")
	other := "fedcba9876543210fedcba9876543210"
	for _, tc := range []struct {
		name, configured string
		msg              func(t *testing.T) *nats.Msg
		want             bool
	}{
		{"signed", testSecret, func(t *testing.T) *nats.Msg { return signedCommand(t, subject, "c1", testSecret) }, true},
		{"signed with another secret", testSecret, func(t *testing.T) *nats.Msg { return signedCommand(t, subject, "c1", other) }, false},
		{"the secret itself as header", testSecret, func(t *testing.T) *nats.Msg {
			m := signedCommand(t, subject, "c1", testSecret)
			m.Header.Set(natsbus.HeaderInternal, testSecret)
			return m
		}, false},
		{"signed for another session", testSecret, func(t *testing.T) *nats.Msg {
			m := signedCommand(t, subjects.RPC("sales", "send.message"), "c1", testSecret)
			m.Subject = subject
			return m
		}, false},
		{"signature without expirytime", testSecret, func(t *testing.T) *nats.Msg {
			e := command("c1")
			m, err := cenats.NewMsg(subject, e, cenats.Binary)
			if err != nil {
				t.Fatal(err)
			}
			m.Header.Set(natsbus.HeaderInternal, natsbus.Sign([]byte(testSecret), natsbus.Signed{
				Subject: subject, ID: e.ID(), Source: e.Source(), Type: e.Type(), Data: e.Data()}))
			return m
		}, false},
		{"no header", testSecret, func(t *testing.T) *nats.Msg {
			m := signedCommand(t, subject, "c1", testSecret)
			m.Header.Del(natsbus.HeaderInternal)
			return m
		}, false},
		{"nothing configured", "", func(t *testing.T) *nats.Msg { return signedCommand(t, subject, "c1", testSecret) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := connect(t, startServer(t))
			ex := &fakeExecutor{}
			startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{InternalSecret: tc.configured})
			requestMsg(t, nc, tc.msg(t))
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

// TestRPCSignatureNotReusable: a signature a NATS user saw on the bus
// (every subscriber to wa.*.rpc.> does) does not make another command,
// with the id or the data changed, trusted.
func TestRPCSignatureNotReusable(t *testing.T) {
	nc := connect(t, startServer(t))
	ex := &fakeExecutor{}
	startRPC(t, nc, ex, &fakeSink{}, transport.RPCConfig{InternalSecret: testSecret})
	subject := subjects.RPC("default", "send.message")
	seen := signedCommand(t, subject, "victim-key", testSecret)

	forged := signedCommand(t, subject, "attacker-key", testSecret)
	forged.Header.Set(natsbus.HeaderInternal, seen.Header.Get(natsbus.HeaderInternal))
	requestMsg(t, nc, forged)

	changed := signedCommand(t, subject, "victim-key", testSecret)
	changed.Data = []byte(`{"phone":"4917600000000","message":"hi"}`)
	changed.Header.Set(natsbus.HeaderInternal, seen.Header.Get(natsbus.HeaderInternal))
	requestMsg(t, nc, changed)

	for _, c := range ex.FullCalls() {
		if c.Trusted {
			t.Errorf("command %s with a reused signature was trusted", c.Cmd.ID())
		}
	}
	if n := len(ex.FullCalls()); n != 2 {
		t.Fatalf("%d calls, want 2", n)
	}
}

func TestRPCConfigRefusesShortSecret(t *testing.T) {
	err := transport.RPCConfig{Sessions: []string{"default"}, MaxConcurrent: 1, InternalSecret: "short"}.Validate()
	if err == nil || !strings.Contains(err.Error(), "InternalSecret") {
		t.Errorf("Validate with a 5-byte secret: %v", err)
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
	past.SetExtension(ident.ExtExpiryTime, time.Now().Add(-time.Second).UTC().Format(time.RFC3339Nano))
	res := request(t, nc, subjects.RPC("default", "send.message"), past, cenats.Binary)
	if status, code := resultCode(t, res); status != http.StatusGone || code != werr.CodeExpired {
		t.Errorf("expired request: %d %s, want 410 %s", status, code, werr.CodeExpired)
	}
	if n := len(ex.Calls()); n != 0 {
		t.Fatalf("the expired request ran (%d calls)", n)
	}

	expiry := time.Now().Add(time.Minute).UTC().Truncate(time.Second)
	future := command("in-time")
	future.SetExtension(ident.ExtExpiryTime, expiry.Format(time.RFC3339))
	res = request(t, nc, subjects.RPC("default", "send.message"), future, cenats.Binary)
	if status, _ := resultCode(t, res); status != http.StatusOK || res.Extensions()[ident.ExtCausationID] != "in-time" {
		t.Errorf("request in time: %d", status)
	}
	if d := <-deadlines; !d.Equal(expiry) {
		t.Errorf("ran with deadline %v, want the caller's %v", d, expiry)
	}
}
