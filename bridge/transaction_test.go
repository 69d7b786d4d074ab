package bridge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestInboundMessageAndEventAreOneTransaction: the raw message goes into the
// index in the transaction that keeps its event; an event the sink could
// not keep leaves no indexed message behind.
func TestInboundMessageAndEventAreOneTransaction(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.setFail(errors.New("outbox full"))
	msg := incoming(alicePN, "3EB0ONETX01", "one transaction")
	if c.push(msg) {
		t.Fatal("handler acked a message the sink did not keep")
	}
	index := e.mgr.Index()
	_, err := index.Lookup("default", "3EB0ONETX01", alicePN)
	wantCode(t, err, werr.CodeMessageNotFound)

	e.sink.setFail(nil)
	if !c.push(msg) {
		t.Fatal("redelivered message not acked")
	}
	if _, err := index.Lookup("default", "3EB0ONETX01", alicePN); err != nil {
		t.Fatalf("message kept with its event is not indexed: %v", err)
	}
	if n := len(e.sink.ofType(events.TypeMessageReceived)); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
}

// TestSendLeavesTheCacheWriteToTheCaller: a send's raw message is not
// written by the send itself but handed back as SendResult.Cache, which the
// command path commits with the command's result.
func TestSendLeavesTheCacheWriteToTheCaller(t *testing.T) {
	e := newEnv(t)
	e.loggedInConnected("default")
	s := e.session("default")
	res, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: "cached", Key: "cache-1"})
	if err != nil {
		t.Fatal(err)
	}
	index := e.mgr.Index()
	_, err = index.Lookup("default", res.MessageID, alicePN)
	wantCode(t, err, werr.CodeMessageNotFound)
	if res.Cache == nil {
		t.Fatal("SendResult.Cache is nil")
	}
	if err := e.db.Commit(res.Cache); err != nil {
		t.Fatal(err)
	}
	m, err := index.Lookup("default", res.MessageID, alicePN)
	if err != nil {
		t.Fatalf("sent message not indexed after committing its cache write: %v", err)
	}
	if !m.FromMe || m.Text != "cached" || m.Message.GetConversation() != "cached" || m.Sender != ownPN.String() {
		t.Fatalf("indexed %+v", m)
	}
}
