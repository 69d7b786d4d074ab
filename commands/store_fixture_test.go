package commands_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
)

// storeFixture is where the chat store's tests find result CloudEvents as
// this dispatcher audits them: the store projects sends and reads from
// these results, so a change of their shape must reach its tests.
var storeFixture = filepath.Join("..", "events", "chatstore", "testdata", "dispatched_results.json")

// TestResultsTheChatStoreProjects dispatches a send, a forward of the
// message it replied to, a read and a failed send, and compares the audited
// results with the chat store's fixture. WABRIDGE_UPDATE_FIXTURES=1
// rewrites the fixture instead.
func TestResultsTheChatStoreProjects(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const received = "false_4917612345678@s.whatsapp.net_3EB0C767"
	for _, c := range []struct{ name, id, data string }{
		{"send.message", "fx-send", `{"phone":"4917612345678","message":"See you at 8, @4915112345678",
			"reply_message_id":"` + received + `","mentions":["4915112345678"]}`},
		{"message.forward", "fx-forward", `{"message_id":"` + received + `","phone":"120363028461234567@g.us"}`},
		{"message.read", "fx-read", `{"message_id":"` + received + `"}`},
	} {
		if res := execute(r.d, ctx, "default", c.name, command(t, c.name, c.id, c.data)); decode(t, res.Event).Status != 200 {
			t.Fatalf("%s: %s", c.name, res.Event.Data())
		}
	}
	r.sess.err = werr.New(werr.KindNotFound, werr.CodeNotOnWhatsApp, "4917699999999 is not on WhatsApp")
	// A durable delivery, so its audited id is derived (an rpc's is fresh).
	r.d.Dispatch(ctx, commands.Call{Session: "default", Name: "send.message", Durable: true, Sequence: 7, Published: fixedNow,
		Cmd: command(t, "send.message", "fx-fail", `{"phone":"4917699999999","message":"lost"}`)})

	entries := r.audit.entries(t)
	if len(entries) != 4 {
		t.Fatalf("audited %d results, want 4", len(entries))
	}
	type published struct {
		Subject string          `json:"subject"`
		Event   json.RawMessage `json:"event"`
	}
	out := make([]published, len(entries))
	for i, e := range entries {
		out[i] = published{e.Subject, e.Event}
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if os.Getenv("WABRIDGE_UPDATE_FIXTURES") == "1" {
		if err := os.WriteFile(storeFixture, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(storeFixture)
	if err != nil {
		t.Fatalf("%v (WABRIDGE_UPDATE_FIXTURES=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("audited results differ from the chat store's fixture %s (WABRIDGE_UPDATE_FIXTURES=1 rewrites it):\n%s", storeFixture, got)
	}
}
