package e2e_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// TestCredentialsOnRESTAndNATS: with credentials configured, REST wants the
// bearer token and NATS the token, and the bridge's own connections (rpc,
// durable consumer, publisher) still work.
func TestCredentialsOnRESTAndNATS(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{extra: []string{"--http-tokens", "rest-secret", "--nats-token", "nats-secret"}})
	auth := map[string]string{"Authorization": "Bearer rest-secret"}

	if status, env := b.do("GET", "/app/devices", nil, nil); status != http.StatusUnauthorized || env.Code != "UNAUTHORIZED" {
		t.Fatalf("REST without token: %d %s", status, env.Code)
	}
	if status, _ := b.do("GET", "/app/devices", nil, map[string]string{"Authorization": "Bearer wrong"}); status != http.StatusUnauthorized {
		t.Fatalf("REST with a wrong token: %d", status)
	}
	if status, env := b.do("GET", "/app/login", nil, auth); status != http.StatusOK {
		t.Fatalf("REST login with token: %d %s %s", status, env.Code, env.Message)
	}
	if status, env := b.do("POST", "/sandbox/scan", map[string]string{}, auth); status != http.StatusOK {
		t.Fatalf("scan: %d %s", status, env.Code)
	}

	if nc, err := nats.Connect(b.natsURL, nats.Timeout(2*time.Second)); err == nil {
		nc.Close()
		t.Fatal("NATS accepted a connection without the token")
	}
	nc, err := nats.Connect(b.natsURL, nats.Token("nats-secret"))
	if err != nil {
		t.Fatalf("NATS with token: %v", err)
	}
	defer nc.Close()
	_, env := request(t, nc, "wa.default.rpc.send.message",
		command(t, "send.message", "auth-1", map[string]any{"phone": "4917612345678", "message": "with credentials"}), cenats.Binary)
	if env.Status != 200 {
		t.Fatalf("rpc with credentials: %d %s %s", env.Status, env.Code, env.Message)
	}
	if msgs := streamEvents(t, nc, "wa.default.result.send.message", 1, 10*time.Second); len(msgs) != 1 {
		t.Fatal("the publisher did not deliver the result under NATS auth")
	}
}

// TestRefusesPublicListenerWithoutCredentials: CONTRACT §9.
func TestRefusesPublicListenerWithoutCredentials(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "serve", "--sandbox", "--data-dir", t.TempDir(), "--http-addr", "0.0.0.0:0")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 {
		t.Fatalf("exit code %d (%v), want 2", code, err)
	}
	if !strings.Contains(string(out), "--insecure") {
		t.Fatalf("the refusal does not say how to proceed: %s", out)
	}
}
