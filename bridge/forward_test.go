package bridge_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestForwardMessage(t *testing.T) {
	e, c := chatEnv(t)
	image := &waE2E.ImageMessage{
		URL: proto.String("https://mmg.whatsapp.net/x"), DirectPath: proto.String("/v/x"), MediaKey: []byte{1, 2},
		FileSHA256: []byte{3}, FileEncSHA256: []byte{4}, FileLength: proto.Uint64(1234), Mimetype: proto.String("image/jpeg"),
		Caption: proto.String("look"), ContextInfo: &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(4)},
	}
	quotedAndForwarded := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String("again"),
		ContextInfo: &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(2),
			StanzaID: proto.String("3EB0Q"), Participant: proto.String(alicePN.String()), MentionedJID: []string{alicePN.String()},
			QuotedMessage: &waE2E.Message{Conversation: proto.String("quoted")}},
	}}
	for id, m := range map[string]*waE2E.Message{
		"3EB0TEXT":  {Conversation: proto.String("hello")},
		"3EB0AGAIN": quotedAndForwarded,
		"3EB0IMG":   {ImageMessage: image},
	} {
		evt := incoming(alicePN, id, "")
		evt.Message = m
		if !c.push(evt) {
			t.Fatalf("message %s not handled", id)
		}
	}
	mark := func(score uint32) *waE2E.ContextInfo {
		return &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(score)}
	}
	wantImage := proto.CloneOf(image)
	wantImage.ContextInfo = mark(5)
	tests := []struct {
		name, ref string
		want      *waE2E.Message
	}{
		{"a Conversation becomes extended text to carry the mark", "false_4917612345678@s.whatsapp.net_3EB0TEXT",
			&waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("hello"), ContextInfo: mark(1)}}},
		{"the score goes up, quote and mentions stay behind", "3EB0AGAIN",
			&waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("again"), ContextInfo: mark(3)}}},
		{"media keeps its blob: no upload", "false_4917612345678@s.whatsapp.net_3EB0IMG", &waE2E.Message{ImageMessage: wantImage}},
	}
	s := e.session("default")
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.ForwardMessage(context.Background(), bridge.ForwardRequest{MessageID: tc.ref, To: group.String(), Key: tc.name})
			if err != nil {
				t.Fatal(err)
			}
			sent := c.sentMessages()
			if len(sent) != i+1 {
				t.Fatalf("%d messages sent, want %d", len(sent), i+1)
			}
			got := sent[i]
			if got.To != group || !proto.Equal(got.Msg, tc.want) {
				t.Errorf("sent to %s:\n%v\nwant to %s:\n%v", got.To, got.Msg, group, tc.want)
			}
			if got.Extra.ID != types.MessageID(bridge.MessageIDFromKey(tc.name)) || res.WAID != got.Extra.ID || res.Chat != group.String() {
				t.Errorf("result %+v, sent id %s", res, got.Extra.ID)
			}
			// The forward is cached like any send, for quoting it later.
			if err := e.db.Commit(res.Cache); err != nil {
				t.Fatal(err)
			}
			if _, err := e.mgr.Index().Lookup("default", res.MessageID, types.EmptyJID); err != nil {
				t.Errorf("forwarded message not cached: %v", err)
			}
		})
	}
}

func TestForwardMessageRefuses(t *testing.T) {
	e, c := chatEnv(t)
	viewOnce := incoming(alicePN, "3EB0ONCE", "")
	viewOnce.Message = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{ViewOnce: proto.Bool(true), URL: proto.String("u")}}
	if !c.push(viewOnce) {
		t.Fatal("message not handled")
	}
	s := e.session("default")
	tests := []struct {
		name string
		req  bridge.ForwardRequest
		code string
	}{
		{"unknown message", bridge.ForwardRequest{MessageID: "false_4917612345678@s.whatsapp.net_3EB0NONE", To: group.String()}, werr.CodeMessageNotFound},
		{"view-once", bridge.ForwardRequest{MessageID: "3EB0ONCE", To: group.String()}, werr.CodeInvalidPayload},
		{"bad recipient", bridge.ForwardRequest{MessageID: "3EB0ONCE", To: "+49 176"}, werr.CodeInvalidRecipient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ForwardMessage(context.Background(), tc.req)
			wantCode(t, err, tc.code)
		})
	}
	if n := len(c.sentMessages()); n != 0 {
		t.Errorf("%d messages sent, want none", n)
	}
}
