package e2e_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

type received struct {
	ID     string `json:"id"`
	WAID   string `json:"wa_id"`
	Text   string `json:"text"`
	FromMe bool   `json:"from_me"`
	Chat   struct {
		JID string `json:"jid"`
	} `json:"chat"`
	Sender struct {
		JID string `json:"jid"`
		PN  string `json:"pn"`
		LID string `json:"lid"`
	} `json:"sender"`
}

func TestInboundTextBecomesMessageReceived(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "inbound")
	b.login(b.session)
	nc := b.nats()

	status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "message": "Hey, how's it going?"}, nil)
	if status != http.StatusOK {
		t.Fatalf("inbound: %d %s %s", status, env.Code, env.Message)
	}
	var in struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &in)

	// streamEvents checked the event against its schema, its Nats-Msg-Id and
	// its subject; the subject is spelled out here once more, as a consumer
	// filtering by chat writes it.
	msgs := streamEvents(t, nc, "wa.inbound.evt.*.message.received", 1, 20*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("message.received events: %d", len(msgs))
	}
	if want := "wa.inbound.evt.4917612345678@s_whatsapp_net.message.received"; msgs[0].subject != want {
		t.Errorf("subject %s, want %s", msgs[0].subject, want)
	}
	ce := msgs[0].ce
	if ce.Type() != "io.wabridge.message.received" || ce.Source() != "/wabridge/inbound" ||
		ce.Subject() != "4917612345678@s.whatsapp.net" || ce.Extensions()["wasession"] != "inbound" {
		t.Fatalf("attributes: type %s source %s subject %s ext %v", ce.Type(), ce.Source(), ce.Subject(), ce.Extensions())
	}
	if ce.Time().IsZero() || time.Since(ce.Time()) > time.Minute {
		t.Fatalf("time %v is not the message's", ce.Time())
	}
	var data received
	if err := json.Unmarshal(ce.Data(), &data); err != nil {
		t.Fatal(err)
	}
	if data.Text != "Hey, how's it going?" || data.FromMe || data.ID != in.MessageID ||
		in.MessageID != "false_4917612345678@s.whatsapp.net_"+data.WAID ||
		data.Sender.PN != "4917612345678@s.whatsapp.net" || data.Sender.LID == "" {
		t.Fatalf("data: %s", ce.Data())
	}
}

// externalNATS is a nats-server the test owns, so it can stop it under the
// bridge and start it again on the same port and store.
type externalNATS struct {
	t     *testing.T
	port  int
	store string
	// syncAlways makes the server fsync every write, as an operator's
	// sync_interval: always does; the bridge is then told so with
	// syncedFlags, and its outbox need not keep entries after their PubAck
	// for the server's default two-minute sync interval. Tests of the
	// outbox's durability leave it off.
	syncAlways bool
	srv        *server.Server
}

// syncedFlags tell the bridge that its external NATS syncs every write.
func syncedFlags() []string { return []string{"--nats-durable-after", "-1s"} }

func (e *externalNATS) start() {
	e.t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: e.port, JetStream: true, StoreDir: e.store, NoSigs: true, SyncAlways: e.syncAlways})
	if err != nil {
		e.t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(15 * time.Second) {
		e.t.Fatal("nats-server not ready")
	}
	e.srv = s
}

func (e *externalNATS) stop() {
	if e.srv != nil {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
		e.srv = nil
	}
}

func (e *externalNATS) url() string { return "nats://127.0.0.1:" + strconv.Itoa(e.port) }

// TestOutboxSurvivesNATSOutageAndKill9 proves the outbox: with NATS stopped,
// inbound messages are still accepted (and so acked to WhatsApp), the bridge
// is killed with SIGKILL, both come back, and every event is on the stream
// exactly once.
func TestOutboxSurvivesNATSOutageAndKill9(t *testing.T) {
	t.Parallel()
	_, portStr, _ := net.SplitHostPort(freeAddr(t))
	port, _ := strconv.Atoi(portStr)
	ext := &externalNATS{t: t, port: port, store: t.TempDir()}
	ext.start()
	t.Cleanup(ext.stop)

	dataDir := t.TempDir()
	httpAddr := freeAddr(t)
	b := startBridge(t, bridgeOpts{dataDir: dataDir, natsURL: ext.url(), httpAddr: httpAddr})
	b.login("default")

	const before, during = 5, 20
	send := func(i int) {
		t.Helper()
		status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "message": fmt.Sprintf("msg %d", i)}, nil)
		if status != http.StatusOK {
			t.Fatalf("inbound %d: %d %s %s", i, status, env.Code, env.Message)
		}
	}
	for i := range before {
		send(i)
	}
	nc, err := nats.Connect(ext.url(), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	waitCount(t, nc, before)
	nc.Close()

	ext.stop()
	for i := before; i < before+during; i++ {
		send(i) // accepted into the outbox although NATS is down
	}
	b.kill9()

	ext.start()
	b2 := startBridge(t, bridgeOpts{dataDir: dataDir, natsURL: ext.url(), httpAddr: httpAddr})
	b2.waitLoggedIn("default")
	nc2, err := nats.Connect(ext.url())
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	msgs := streamEvents(t, nc2, "wa.default.evt.*.message.received", before+during, 30*time.Second)
	seen := map[string]bool{}
	texts := map[string]bool{}
	for _, m := range msgs {
		ce := m.ce
		if seen[ce.ID()] {
			t.Fatalf("event %s is on the stream twice", ce.ID())
		}
		seen[ce.ID()] = true
		var d received
		mustJSON(t, ce.Data(), &d)
		texts[d.Text] = true
	}
	for i := range before + during {
		if !texts[fmt.Sprintf("msg %d", i)] {
			t.Errorf("msg %d is missing from the stream", i)
		}
	}
	// Nothing more arrives later: exactly once.
	time.Sleep(500 * time.Millisecond)
	if n := streamCount(t, nc2, "wa.default.evt.*.message.received"); n != before+during {
		t.Fatalf("stream holds %d message.received events, want %d", n, before+during)
	}
	if err := b2.stop(); err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
}

func waitCount(t *testing.T, nc *nats.Conn, n uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if streamCount(t, nc, "wa.default.evt.*.message.received") >= n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("fewer than %d events on the stream", n)
}

// TestHealthyBeforeNATSReady: with its NATS not reachable yet, the bridge is
// alive (/healthz) but not ready (/readyz), and becomes ready once NATS is.
func TestHealthyBeforeNATSReady(t *testing.T) {
	t.Parallel()
	_, portStr, _ := net.SplitHostPort(freeAddr(t))
	port, _ := strconv.Atoi(portStr)
	ext := &externalNATS{t: t, port: port, store: t.TempDir(), syncAlways: true}
	t.Cleanup(ext.stop)
	b := startBridge(t, bridgeOpts{natsURL: ext.url(), noWait: true, extra: syncedFlags()})

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(b.httpURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered 200 while NATS was down\n%s", b.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get(b.httpURL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz %d without NATS, want 503", resp.StatusCode)
	}

	ext.start()
	b.waitReady()
	b.login("default")
	if status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "late start"}, nil); status != 200 {
		t.Fatalf("send after NATS came up: %d %s %s", status, env.Code, env.Message)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
}
