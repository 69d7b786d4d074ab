package e2e_test

import (
	"net/http"
	"testing"

	"github.com/wabridge/wabridge/internal/cenats"
)

// TestSandboxMagicNumbers: the magic numbers of CONTRACT §8 fail a send the
// way WhatsApp would, with the same code over REST and NATS rpc, and
// nothing reaches the virtual contact.
func TestSandboxMagicNumbers(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "magic")
	b.login(b.session)
	nc := b.nats()
	cases := []struct {
		phone  string
		status int
		code   string
	}{
		{"9991234567", http.StatusNotFound, "NOT_ON_WHATSAPP"},
		{"9991234567@s.whatsapp.net", http.StatusNotFound, "NOT_ON_WHATSAPP"},
		{"9981234567", http.StatusTooManyRequests, "RATE_LIMITED"},
	}
	for _, c := range cases {
		status, env := b.do("POST", "/send/message", map[string]any{"phone": c.phone, "message": "hi"}, nil)
		if status != c.status || env.Code != c.code {
			t.Errorf("REST send to %s: %d %s (%s), want %d %s", c.phone, status, env.Code, env.Message, c.status, c.code)
		}
		cmd := command(t, "send.message", "magic-"+c.phone, map[string]any{"phone": c.phone, "message": "hi"})
		_, res := request(t, nc, "wa.magic.rpc.send.message", cmd, cenats.Binary)
		if res.Status != c.status || res.Code != c.code {
			t.Errorf("NATS rpc send to %s: %d %s (%s), want %d %s", c.phone, res.Status, res.Code, res.Message, c.status, c.code)
		}
	}
	if out := b.outbox(); len(out) != 0 {
		t.Fatalf("refused sends reached the outbox: %+v", out)
	}
	// A slow number answers, only late (10 s): within REST's time it is sent.
	status, env := b.do("POST", "/send/message", map[string]any{"phone": "9971234567", "message": "slow"}, nil)
	if status != http.StatusOK {
		t.Fatalf("send to a slow number: %d %s %s", status, env.Code, env.Message)
	}
	if out := b.outbox(); len(out) != 1 || out[0].To != "9971234567@s.whatsapp.net" {
		t.Fatalf("outbox after the slow send: %+v", out)
	}
}
