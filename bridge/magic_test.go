package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// sandboxSession is the default session of a Manager over a sandbox
// network, logged in and connected.
func sandboxSession(t *testing.T, cfg sandbox.Config) *bridge.Session {
	t.Helper()
	e := newEnv(t)
	e.mgr.Close()
	network := sandbox.NewNetwork(cfg)
	mgr, err := bridge.NewManager(bridge.ManagerConfig{
		Devices: e.devices, DB: e.db, Sink: e.sink, NewClient: network.Factory(), ConnectBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := mgr.Start(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	s, err := mgr.Get("default")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx); err != nil {
		t.Fatalf("login: %v", err)
	}
	if _, err := network.Scan(ctx, "default", "4917612345678"); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return s
}

// TestSandboxMagicNumbers: the sandbox answers the magic numbers of
// CONTRACT §8 with the errors whatsmeow gives, and the bridge's one
// classification turns them into the codes users see.
func TestSandboxMagicNumbers(t *testing.T) {
	s := sandboxSession(t, sandbox.Config{SlowAck: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tt := range []struct{ to, code string }{
		{"9991234567", werr.CodeNotOnWhatsApp},
		{"9991234567@s.whatsapp.net", werr.CodeNotOnWhatsApp},
		{"9981234567", werr.CodeRateLimited},
	} {
		_, err := s.SendText(ctx, bridge.SendTextRequest{To: tt.to, Text: "hi", Key: tt.to})
		wantCode(t, err, tt.code)
	}
	// A slow number answers after SlowAck (an hour here): a command
	// timeout shorter than that is a TIMEOUT.
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	defer stop()
	_, err := s.SendText(short, bridge.SendTextRequest{To: "9971234567", Text: "hi", Key: "slow"})
	wantCode(t, err, werr.CodeTimeout)
	// Any other number is a WhatsApp user.
	if _, err := s.SendText(ctx, bridge.SendTextRequest{To: "4915112345678", Text: "hi", Key: "ok"}); err != nil {
		t.Fatalf("send to an ordinary number: %v", err)
	}
}

// TestSandboxSlowNumberAcknowledges: a slow number's send succeeds once
// the acknowledgement comes, within a long enough timeout.
func TestSandboxSlowNumberAcknowledges(t *testing.T) {
	s := sandboxSession(t, sandbox.Config{SlowAck: time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.SendText(ctx, bridge.SendTextRequest{To: "9971234567", Text: "hi", Key: "slow"}); err != nil {
		t.Fatalf("send to a slow number: %v", err)
	}
}
