package bridge_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// With RejectCalls the offer is kept as rejected, then the call is
// rejected and the caller gets the message, under an id of the call: the
// same offer redelivered sends the same message id again.
func TestRejectCalls(t *testing.T) {
	e, c := presenceEnv(t, func(cfg *bridgeConfig) {
		cfg.RejectCalls, cfg.RejectCallMessage = true, "I cannot take calls here, please write."
	})
	offer := &waEvents.CallOffer{BasicCallMeta: types.BasicCallMeta{
		From: types.NewADJID(alicePN.User, 0, 3), Timestamp: fixedTime, CallCreator: types.NewADJID(alicePN.User, 0, 3), CallID: "CALLREJ1",
	}}
	for range 2 {
		if !c.push(offer) {
			t.Fatal("call offer not handled")
		}
		select {
		case id := <-c.rejected:
			if id != "CALLREJ1" {
				t.Fatalf("rejected %s", id)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the call was not rejected")
		}
	}
	got := e.sink.ofType(events.TypeCallOffer)
	if len(got) != 2 || !got[0].Data.(events.CallOffer).Rejected {
		t.Fatalf("call.offer %+v, want rejected", got)
	}
	if calls := c.presenceCalls(); len(calls) != 2 || calls[0] != "reject 4917612345678:3@s.whatsapp.net CALLREJ1" {
		t.Errorf("calls %q", calls)
	}
	var sent []sentMessage
	deadline := time.Now().Add(10 * time.Second)
	for len(sent) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		sent = c.sentMessages()
	}
	if len(sent) != 2 {
		t.Fatalf("%d messages sent, want 2", len(sent))
	}
	if sent[0].To != alicePN || sent[0].Msg.GetConversation() != "I cannot take calls here, please write." {
		t.Errorf("sent %s %v", sent[0].To, sent[0].Msg)
	}
	if sent[0].Extra.ID == "" || sent[0].Extra.ID != sent[1].Extra.ID {
		t.Errorf("message ids %q and %q, want one id of the call", sent[0].Extra.ID, sent[1].Extra.ID)
	}
}

// Without RejectCalls nothing is rejected or sent.
func TestCallsNotRejectedByDefault(t *testing.T) {
	e, c := presenceEnv(t, nil)
	if !c.push(&waEvents.CallOffer{BasicCallMeta: types.BasicCallMeta{From: alicePN, CallCreator: alicePN, CallID: "CALL2", Timestamp: fixedTime}}) {
		t.Fatal("call offer not handled")
	}
	got := e.sink.ofType(events.TypeCallOffer)
	if len(got) != 1 || got[0].Data.(events.CallOffer).Rejected {
		t.Fatalf("call.offer %+v, want one, not rejected", got)
	}
	if calls := c.presenceCalls(); len(calls) != 0 {
		t.Errorf("calls %q", calls)
	}
}
