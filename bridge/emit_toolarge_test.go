package bridge_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// TestEventTooLargeIsAckedWithTheMessageKept: an event the outbox refuses
// as larger than a NATS message can never be kept, so retrying and
// reconnecting would hold the session behind it forever. The handler acks
// at once (no retry budget spent, no reconnect) and keeps the message
// itself in the index.
func TestEventTooLargeIsAckedWithTheMessageKept(t *testing.T) {
	e := newEnv(t)
	e.mgr.Close()
	e.startWith(func(c *bridgeConfig) { c.EmitRetry = time.Hour })
	c := e.loggedInConnected("default")
	<-c.connectedCh
	e.sink.setFail(werr.New(werr.KindTooLarge, werr.CodePayloadTooLarge, "event would be a 2 MB NATS message"))
	before := e.sink.tries()
	done := make(chan bool, 1)
	go func() { done <- c.push(incoming(alicePN, "3EB0HUGE", "huge")) }()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("handler refused the ack for an event that can never be kept")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("handler retries an event that can never be kept")
	}
	if n := e.sink.tries() - before; n != 1 {
		t.Fatalf("%d emit attempts, want 1", n)
	}
	if _, err := e.mgr.Index().Lookup("default", "3EB0HUGE", types.EmptyJID); err != nil {
		t.Fatalf("the message itself was not kept: %v", err)
	}
	select {
	case <-c.connectedCh:
		t.Fatal("the session reconnected for an event that redelivery cannot help")
	case <-time.After(200 * time.Millisecond):
	}
}
