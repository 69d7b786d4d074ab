package e2e_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/internal/cenats"
)

// TestDurableQueueSurvivesCleanRestart: a durable command, a clean stop
// (SIGTERM), the session's consumer is still on NATS while the bridge is
// down, a start, a new command: the two bridge processes together executed
// exactly the two commands, in order, and the first never again.
func TestDurableQueueSurvivesCleanRestart(t *testing.T) {
	t.Parallel()
	_, portStr, _ := net.SplitHostPort(freeAddr(t))
	port, _ := strconv.Atoi(portStr)
	ext := &externalNATS{t: t, port: port, store: t.TempDir(), syncAlways: true}
	ext.start()
	t.Cleanup(ext.stop)
	nc, err := nats.Connect(ext.url())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	dataDir, httpAddr := t.TempDir(), freeAddr(t)
	b := startBridge(t, bridgeOpts{dataDir: dataDir, natsURL: ext.url(), httpAddr: httpAddr, extra: syncedFlags()})
	b.login("default")
	publishDurable(t, js, "restart-1")
	first := waitAcked(t, nc, 1)
	if err := b.stop(); err != nil {
		t.Fatalf("clean stop: %v", err)
	}
	kept := consumerOf(t, nc)
	if kept == nil {
		t.Fatal("the durable consumer was deleted at the clean stop")
	}
	if !kept.Created.Equal(first.Created) || kept.AckFloor.Stream != first.AckFloor.Stream {
		t.Fatalf("consumer after stop: created %v ack floor %d, before %v %d",
			kept.Created, kept.AckFloor.Stream, first.Created, first.AckFloor.Stream)
	}

	b2 := startBridge(t, bridgeOpts{dataDir: dataDir, natsURL: ext.url(), httpAddr: httpAddr, extra: syncedFlags()})
	b2.waitLoggedIn("default")
	publishDurable(t, js, "restart-2")
	second := waitAcked(t, nc, 2)
	if err := b2.stop(); err != nil {
		t.Fatalf("second clean stop: %v", err)
	}
	if !second.Created.Equal(first.Created) || second.NumRedelivered != 0 {
		t.Errorf("consumer after restart: created %v (first %v), %d redelivered", second.Created, first.Created, second.NumRedelivered)
	}
	if got := executed(b.out.String()); strings.Join(got, ",") != "restart-1" {
		t.Errorf("first process executed %v, want [restart-1]", got)
	}
	if got := executed(b2.out.String()); strings.Join(got, ",") != "restart-2" {
		t.Errorf("second process executed %v, want [restart-2]", got)
	}
}

func publishDurable(t *testing.T, js jetstream.JetStream, id string) {
	t.Helper()
	cmd := command(t, "send.message", id, map[string]any{"phone": "4917612345678", "message": "durable " + id})
	msg, err := cenats.NewMsg("wa.default.cmd.send.message", cmd, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
}

// consumerOf is the default session's durable consumer, nil when it does
// not exist. The older API reads push and pull consumers alike.
func consumerOf(t *testing.T, nc *nats.Conn) *nats.ConsumerInfo {
	t.Helper()
	js, err := nc.JetStream()
	if err != nil {
		t.Fatal(err)
	}
	info, err := js.ConsumerInfo("WA_COMMANDS", transport.ConsumerName(transport.DefaultDurable, "default"))
	if errors.Is(err, nats.ErrConsumerNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// waitAcked waits until the consumer has acked the stream up to seq.
func waitAcked(t *testing.T, nc *nats.Conn, seq uint64) *nats.ConsumerInfo {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if info := consumerOf(t, nc); info != nil && info.AckFloor.Stream >= seq && info.NumAckPending == 0 {
			return info
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("command %d not acked within 30s", seq)
	return nil
}

// executed lists the ids of the durable commands a bridge's debug log says
// it dispatched, in order.
func executed(log string) []string {
	var ids []string
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "durable command executed") {
			continue
		}
		for _, id := range []string{"restart-1", "restart-2"} {
			if strings.Contains(line, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
