package e2e_test

import (
	"net/http"
	"testing"
	"time"

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
	// A slow number acknowledges only after 10 s: a caller that waits 2 s
	// (its expirytime) gets TIMEOUT, while an ordinary number answers
	// within the same 2 s.
	for _, c := range []struct{ phone, code string }{{"4915550001", ""}, {"9971234567", "TIMEOUT"}} {
		cmd := command(t, "send.message", "magic-deadline-"+c.phone, map[string]any{"phone": c.phone, "message": "in time?"})
		cmd.SetExtension("expirytime", time.Now().Add(2*time.Second).UTC().Format(time.RFC3339Nano))
		_, res := request(t, nc, "wa.magic.rpc.send.message", cmd, cenats.Binary)
		if res.Code != c.code {
			t.Errorf("NATS rpc send to %s with 2 s to go: %d %q (%s), want code %q", c.phone, res.Status, res.Code, res.Message, c.code)
		}
	}
}
