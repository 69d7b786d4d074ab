package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// TestReservedSourcesAreRefusedOverNATS: REST's commands carry sources under
// /wabridge/ (CONTRACT §3) and round trip; a NATS caller claiming such a
// source is refused with INVALID_CLOUDEVENT in either content mode and on
// either path, even with the very id of a REST command (which would
// otherwise replay that caller's result), and nothing is sent for it.
func TestReservedSourcesAreRefusedOverNATS(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "reserved")
	b.login(b.session)
	nc := b.nats()
	data := map[string]any{"phone": "4917612345678", "message": "through REST"}

	status, env := b.do("POST", "/send/message", data, map[string]string{"Idempotency-Key": "reserved-1"})
	if status != http.StatusOK {
		t.Fatalf("REST send: %d %s %s", status, env.Code, env.Message)
	}
	if out := b.outbox(); len(out) != 1 || out[0].Message != "through REST" {
		t.Fatalf("outbox after the REST send: %+v", out)
	}

	cases := []struct {
		mode   cenats.Mode
		source string
		id     string
	}{
		{cenats.Structured, "/wabridge/rest", "reserved-1"}, // the REST command's own key
		{cenats.Binary, "/wabridge/rest", "reserved-1"},
		{cenats.Structured, "/wabridge/rest", "reserved-2"},
		{cenats.Structured, "/wabridge/reserved", "reserved-3"}, // the bridge's own source
		{cenats.Binary, "/wabridge", "reserved-4"},
	}
	for _, c := range cases {
		cmd := command(t, "send.message", c.id, data)
		cmd.SetSource(c.source)
		res, env := request(t, nc, "wa.reserved.rpc.send.message", cmd, c.mode)
		if env.Status != http.StatusBadRequest || env.Code != "INVALID_CLOUDEVENT" || env.Message == "" {
			t.Errorf("mode %d source %s id %s: %d %s %q, want 400 INVALID_CLOUDEVENT", c.mode, c.source, c.id, env.Status, env.Code, env.Message)
		}
		if res.Extensions()["causationid"] != c.id {
			t.Errorf("mode %d source %s: causationid %v, want %s", c.mode, c.source, res.Extensions()["causationid"], c.id)
		}
	}

	// The durable path refuses it too, and its one result says so.
	cmd := command(t, "send.message", "reserved-durable", data)
	cmd.SetSource("/wabridge/rest")
	msg, err := cenats.NewMsg("wa.reserved.cmd.send.message", cmd, cenats.Structured)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	res, ok := waitResult(t, nc, "wa.reserved.result.send.message", "reserved-durable", 20*time.Second)
	if !ok {
		t.Fatal("no result for the durable command with a reserved source")
	}
	var renv envelope
	mustJSON(t, res.Data(), &renv)
	if renv.Status != http.StatusBadRequest || renv.Code != "INVALID_CLOUDEVENT" {
		t.Errorf("durable result: %d %s %q", renv.Status, renv.Code, renv.Message)
	}

	if out := b.outbox(); len(out) != 1 {
		t.Fatalf("refused commands were sent: %+v", out)
	}
}
