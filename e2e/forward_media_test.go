package e2e_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"
)

// A received image forwarded to another contact reaches it as the same
// content (the sha256 of what the contact decrypted equals the sent one's)
// with WhatsApp's forwarded mark, and without a second upload: the
// forward names the blob the sender uploaded (issue 6: "forward delivers
// the same content (media sha256 equal) with the forwarded mark").
func TestForwardMediaKeepsItsContent(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "forward-media")
	b.login(b.session)
	nc := b.nats()

	content := jpegOf(t, 48<<10)
	want := sha256.Sum256(content)
	id := sendImage(t, b, content, nil)
	streamEvents(t, nc, "wa.forward-media.evt.*.message.received", 1, 20*time.Second) // in the raw cache by now

	status, env := b.do("POST", "/message/forward", map[string]any{"message_id": id, "phone": "4917698765432"}, nil)
	if status != http.StatusOK {
		t.Fatalf("forward: %d %s %s", status, env.Code, env.Message)
	}
	var fwd struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &fwd)

	_, env = b.do("GET", "/sandbox/outbox", nil, nil)
	var outbox []struct {
		To              string `json:"to"`
		MessageID       string `json:"message_id"`
		Type            string `json:"type"`
		SHA256          string `json:"sha256"`
		Forwarded       bool   `json:"forwarded"`
		ForwardingScore int    `json:"forwarding_score"`
		MediaError      string `json:"media_error"`
	}
	mustJSON(t, env.Data, &outbox)
	for _, d := range outbox {
		if d.MessageID != fwd.MessageID {
			continue
		}
		if d.Type != "image" || d.SHA256 != hex.EncodeToString(want[:]) || !d.Forwarded || d.ForwardingScore != 1 || d.MediaError != "" {
			t.Errorf("forwarded delivery %+v, want an image of sha256 %x with the forwarded mark", d, want)
		}
		if d.To != "4917698765432@s.whatsapp.net" {
			t.Errorf("forwarded to %s", d.To)
		}
		return
	}
	t.Fatalf("forward %s not in the outbox: %s", fwd.MessageID, env.Data)
}
