package bridge_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
)

// TestEmitIsRetriedInTheHandler: an outbox that fails a few times within
// the retry budget does not make WhatsApp redeliver; the event is kept once.
func TestEmitIsRetriedInTheHandler(t *testing.T) {
	e := newEnv(t)
	e.mgr.Close()
	e.startWith(func(c *bridgeConfig) { c.EmitRetry = time.Minute })
	c := e.loggedInConnected("default")
	e.sink.failNext(3)
	before := e.sink.tries()
	if !c.push(incoming(alicePN, "3EB0RETRY01", "retried")) {
		t.Fatal("handler gave up within its retry budget")
	}
	if n := e.sink.tries() - before; n != 4 {
		t.Fatalf("%d emit attempts, want 4 (3 failures, then success)", n)
	}
	if got := e.sink.ofType(events.TypeMessageReceived); len(got) != 1 {
		t.Fatalf("%d events kept, want 1", len(got))
	}
}

// TestEmitFailureReconnects: once the retry budget is spent the handler
// fails (no ack) and the session reconnects, so that WhatsApp redelivers
// the message now rather than whenever it retries on its own.
func TestEmitFailureReconnects(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	<-c.connectedCh // the connect of loggedInConnected
	e.sink.setFail(errors.New("outbox down"))
	if c.push(incoming(alicePN, "3EB0RECONNECT", "lost?")) {
		t.Fatal("handler acked a message the sink did not keep")
	}
	select {
	case <-c.connectedCh:
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not reconnect after giving up on an event")
	}
	c.mu.Lock()
	disconnects := c.disconnects
	c.mu.Unlock()
	if disconnects == 0 {
		t.Fatal("the session connected again without dropping the connection")
	}
}
