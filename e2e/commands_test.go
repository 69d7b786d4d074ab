package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
)

func TestLoginAndSendByREST(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "rest")

	// Before login a send is refused with a clear code and nothing is sent.
	status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "too early"}, nil)
	if status != http.StatusUnauthorized || env.Code != "NOT_LOGGED_IN" {
		t.Fatalf("send before login: %d %s", status, env.Code)
	}

	b.login(b.session)

	status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "Hello from API!"}, nil)
	if status != http.StatusOK {
		t.Fatalf("send: %d %s %s", status, env.Code, env.Message)
	}
	var sent struct {
		MessageID string `json:"message_id"`
		Timestamp string `json:"timestamp"`
	}
	mustJSON(t, env.Data, &sent)
	if !strings.HasPrefix(sent.MessageID, "true_4917612345678@s.whatsapp.net_") {
		t.Fatalf("message_id %q is not in the user form", sent.MessageID)
	}
	if _, err := time.Parse(time.RFC3339, sent.Timestamp); err != nil {
		t.Fatalf("timestamp %q: %v", sent.Timestamp, err)
	}
	out := b.outbox()
	if len(out) != 1 || out[0].To != "4917612345678@s.whatsapp.net" || out[0].Message != "Hello from API!" || out[0].Type != "text" {
		t.Fatalf("sandbox outbox: %+v", out)
	}
	if sent.MessageID != out[0].MessageID {
		t.Fatalf("REST message_id %s is not the delivered %s", sent.MessageID, out[0].MessageID)
	}

	// A reply quotes the message it answers.
	status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "a reply", "reply_message_id": sent.MessageID}, nil)
	if status != http.StatusOK {
		t.Fatalf("reply: %d %s %s", status, env.Code, env.Message)
	}
	out = b.outbox()
	if len(out) != 2 || out[1].QuotedID != out[0].MessageID {
		t.Fatalf("reply not quoting: %+v", out)
	}

	// The same Idempotency-Key twice: one delivery, the same answer.
	h := map[string]string{"Idempotency-Key": "rest-once-1"}
	_, first := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "once"}, h)
	_, second := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "once"}, h)
	if first.Status != 200 || string(first.Data) != string(second.Data) {
		t.Fatalf("idempotent REST send: %s vs %s", first.Data, second.Data)
	}
	if out = b.outbox(); len(out) != 3 {
		t.Fatalf("idempotent REST send delivered %d times", len(out)-2)
	}
}

func TestSendOverNATSRequestReply(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "rpc")
	b.login(b.session)
	nc := b.nats()

	for i, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
		cmd := command(t, "send.message", "rpc-"+[]string{"binary", "structured"}[i], map[string]any{"phone": "4917612345678", "message": "over nats"})
		cmd.SetExtension("correlationid", "corr-42")
		res, env := request(t, nc, "wa.rpc.rpc.send.message", cmd, mode)
		if env.Status != 200 {
			t.Fatalf("mode %d: %d %s %s", mode, env.Status, env.Code, env.Message)
		}
		if res.Type() != "io.wabridge.command.send.message.result" || res.Source() != "/wabridge/rpc" ||
			res.Subject() != "4917612345678@s.whatsapp.net" {
			t.Fatalf("result attributes: type %s source %s subject %s", res.Type(), res.Source(), res.Subject())
		}
		ext := res.Extensions()
		if ext["causationid"] != cmd.ID() || ext["correlationid"] != "corr-42" || ext["wasession"] != "rpc" {
			t.Fatalf("result extensions: %v", ext)
		}
	}
	if out := b.outbox(); len(out) != 2 {
		t.Fatalf("outbox has %d deliveries, want 2", len(out))
	}
	// Every result is also on the audit subject.
	if msgs := streamEvents(t, nc, "wa.rpc.result.send.message", 2, 10*time.Second); len(msgs) != 2 {
		t.Fatalf("results on the audit subject: %d, want 2", len(msgs))
	}
}

func TestDurableCommandAndIdempotency(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "durable")
	b.login(b.session)
	nc := b.nats()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cmd := command(t, "send.message", "durable-1", map[string]any{"phone": "4917612345678", "message": "durable hello"})
	msg, err := cenats.NewMsg("wa.durable.cmd.send.message", cmd, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	// The same command published twice (a publisher retry): one effect.
	for range 2 {
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	results := streamEvents(t, nc, "wa.durable.result.send.message", 1, 20*time.Second)
	if len(results) == 0 {
		t.Fatal("no result on wa.durable.result.send.message")
	}
	res := results[0].ce
	var env envelope
	mustJSON(t, res.Data(), &env)
	if env.Status != 200 || res.Extensions()["causationid"] != "durable-1" {
		t.Fatalf("durable result: %d %s, ext %v", env.Status, env.Code, res.Extensions())
	}
	// Wait until both deliveries have been handled, then count effects. The
	// consumer is the session's own: its sequence counts only its deliveries.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		cons, err := js.Consumer(ctx, "WA_COMMANDS", transport.ConsumerName(transport.DefaultDurable, b.session))
		if err == nil {
			if info, err := cons.Info(ctx); err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.Delivered.Consumer >= 2 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The same id over rpc: answered from the record, not sent again.
	res2, env2 := request(t, nc, "wa.durable.rpc.send.message", cmd, cenats.Binary)
	if env2.Status != 200 || res2.ID() != res.ID() || string(env2.Data) != string(env.Data) {
		t.Fatalf("repeat over rpc: %s vs %s", env2.Data, env.Data)
	}
	if out := b.outbox(); len(out) != 1 {
		t.Fatalf("durable command delivered %d times, want once: %+v", len(out), out)
	}
}

func TestBadInputIsRejectedWithCodes(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "badinput")
	b.login(b.session)
	nc := b.nats()

	cases := []struct {
		name    string
		subject string
		msg     func() *nats.Msg
		code    string
	}{
		{"missing specversion", "wa.badinput.rpc.send.message", func() *nats.Msg {
			m := nats.NewMsg("wa.badinput.rpc.send.message")
			m.Header.Set("ce-id", "x")
			m.Header.Set("ce-source", "/t")
			m.Header.Set("ce-type", "io.wabridge.command.send.message")
			m.Data = []byte(`{"phone":"4917612345678","message":"x"}`)
			return m
		}, "INVALID_CLOUDEVENT"},
		{"structured garbage", "wa.badinput.rpc.send.message", func() *nats.Msg {
			m := nats.NewMsg("wa.badinput.rpc.send.message")
			m.Header.Set("Content-Type", "application/cloudevents+json")
			m.Data = []byte(`{"specversion":`)
			return m
		}, "INVALID_CLOUDEVENT"},
		{"unknown command", "wa.badinput.rpc.send.telegram", func() *nats.Msg {
			return mustMsg(t, "wa.badinput.rpc.send.telegram", command(t, "send.telegram", "u1", map[string]any{}))
		}, "UNKNOWN_COMMAND"},
		{"type does not match subject", "wa.badinput.rpc.send.message", func() *nats.Msg {
			return mustMsg(t, "wa.badinput.rpc.send.message", command(t, "app.logout", "m1", map[string]any{}))
		}, "INVALID_CLOUDEVENT"},
		{"schema violation", "wa.badinput.rpc.send.message", func() *nats.Msg {
			return mustMsg(t, "wa.badinput.rpc.send.message", command(t, "send.message", "s1", map[string]any{"phone": "4917612345678", "messag": "typo"}))
		}, "INVALID_PAYLOAD"},
		{"bad phone", "wa.badinput.rpc.send.message", func() *nats.Msg {
			return mustMsg(t, "wa.badinput.rpc.send.message", command(t, "send.message", "p1", map[string]any{"phone": "+49 176 1234", "message": "x"}))
		}, "INVALID_RECIPIENT"},
	}
	for _, c := range cases {
		reply, err := nc.RequestMsg(c.msg(), 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, env := decodeResult(t, reply)
		// Every one of these is the caller's mistake: 400 exactly.
		if env.Code != c.code || env.Status != 400 || env.Message == "" {
			t.Errorf("%s: got %d %s %q, want code %s", c.name, env.Status, env.Code, env.Message, c.code)
		}
	}

	// A session no process runs: nobody subscribes to its subjects.
	unknown := mustMsg(t, "wa.nobody.rpc.send.message", command(t, "send.message", "n1", map[string]any{"phone": "4917612345678", "message": "x"}))
	if _, err := nc.RequestMsg(unknown, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("unknown session over NATS: %v, want no responders", err)
	}
	if status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "x"}, map[string]string{"X-Session": "nobody"}); status != 404 || env.Code != "SESSION_NOT_FOUND" {
		t.Errorf("REST unknown session: %d %s", status, env.Code)
	}

	// REST: bad phone, schema violation, malformed JSON.
	status, env := b.do("POST", "/send/message", map[string]any{"phone": "not-a-number", "message": "x"}, nil)
	if status != 400 || env.Code != "INVALID_RECIPIENT" {
		t.Errorf("REST bad phone: %d %s", status, env.Code)
	}
	status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678"}, nil)
	if status != 400 || env.Code != "INVALID_PAYLOAD" {
		t.Errorf("REST missing message: %d %s", status, env.Code)
	}
	req, _ := http.NewRequest("POST", b.httpURL+"/send/message", strings.NewReader(`{"phone":`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Session", b.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var bad envelope
	_ = json.NewDecoder(resp.Body).Decode(&bad)
	resp.Body.Close()
	if resp.StatusCode != 400 || bad.Code != "INVALID_PAYLOAD" {
		t.Errorf("REST malformed JSON: %d %s", resp.StatusCode, bad.Code)
	}

	if out := b.outbox(); len(out) != 0 {
		t.Fatalf("bad input was sent: %+v", out)
	}
	// The process is unharmed: a good command still works.
	status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "still alive"}, nil)
	if status != 200 {
		t.Fatalf("after bad input: %d %s", status, env.Code)
	}
}

func mustMsg(t *testing.T, subject string, e event.Event) *nats.Msg {
	t.Helper()
	m, err := cenats.NewMsg(subject, e, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
