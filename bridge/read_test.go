package bridge_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestMarkRead(t *testing.T) {
	e, c := chatEnv(t)
	if !c.push(incoming(group, "3EB0GRP01", "in the group")) {
		t.Fatal("incoming message not handled")
	}
	s := e.session("default")
	tests := []struct {
		name         string
		req          bridge.MarkReadRequest
		chat, sender types.JID
		id           types.MessageID
	}{
		{"direct chat by user-form id, cached or not", bridge.MarkReadRequest{MessageID: "false_4917612345678@s.whatsapp.net_3EB0DM01"},
			alicePN, alicePN, "3EB0DM01"},
		{"bare id with phone", bridge.MarkReadRequest{MessageID: "3EB0DM02", Phone: "4917612345678"},
			alicePN, alicePN, "3EB0DM02"},
		{"group: the sender from the cache", bridge.MarkReadRequest{MessageID: "false_" + group.String() + "_3EB0GRP01"},
			group, alicePN, "3EB0GRP01"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.MarkRead(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			calls := c.readCalls()
			if len(calls) != i+1 {
				t.Fatalf("%d MarkRead calls, want %d", len(calls), i+1)
			}
			got := calls[i]
			if len(got.IDs) != 1 || got.IDs[0] != tc.id || got.Chat != tc.chat || got.Sender != tc.sender || len(got.Extra) != 0 || got.At.IsZero() {
				t.Errorf("MarkRead(%v, %v, %v, %v, %v)", got.IDs, got.At, got.Chat, got.Sender, got.Extra)
			}
			if want := "false_" + tc.chat.String() + "_" + tc.id; res.MessageID != want || res.Chat != tc.chat.String() {
				t.Errorf("result %+v, want message %s in %s", res, want, tc.chat)
			}
		})
	}
}

func TestMarkReadRefuses(t *testing.T) {
	e, c := chatEnv(t)
	s := e.session("default")
	tests := []struct {
		name string
		req  bridge.MarkReadRequest
		code string
	}{
		{"a group message the cache does not know has no sender", bridge.MarkReadRequest{MessageID: "false_" + group.String() + "_3EB0NONE"}, werr.CodeMessageNotFound},
		{"own message", bridge.MarkReadRequest{MessageID: "true_4917612345678@s.whatsapp.net_3EB0MINE"}, werr.CodeInvalidPayload},
		{"bare id without phone", bridge.MarkReadRequest{MessageID: "3EB0BARE"}, werr.CodeInvalidPayload},
		{"malformed id", bridge.MarkReadRequest{MessageID: "false__"}, werr.CodeInvalidPayload},
		{"bad chat", bridge.MarkReadRequest{MessageID: "3EB0BARE", Phone: "+49"}, werr.CodeInvalidRecipient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.MarkRead(context.Background(), tc.req)
			wantCode(t, err, tc.code)
		})
	}
	c.Disconnect()
	_, err := s.MarkRead(context.Background(), bridge.MarkReadRequest{MessageID: "3EB0X", Phone: "4917612345678"})
	wantCode(t, err, werr.CodeNotConnected)
	if n := len(c.readCalls()); n != 0 {
		t.Errorf("%d receipts sent, want none", n)
	}
}
