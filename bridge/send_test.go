package bridge_test

import (
	"context"
	"fmt"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

var (
	alicePN  = types.NewJID("4917612345678", types.DefaultUserServer)
	aliceLID = types.NewJID("100000000000042", types.HiddenUserServer)
	group    = types.NewJID("120363028461234567", types.GroupServer)
)

// incoming is a text from Alice in chat, as whatsmeow delivers it.
func incoming(chat types.JID, id, text string) *waEvents.Message {
	return &waEvents.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: alicePN, IsGroup: chat.Server == types.GroupServer},
			ID:            id, PushName: "Alice", Timestamp: fixedTime,
		},
		Message: &waE2E.Message{Conversation: proto.String(text)},
	}
}

func TestSendTextBuildsMessages(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	if !c.push(incoming(group, "3EB0QUOTED01", "lunch at noon?")) {
		t.Fatal("incoming message not handled")
	}
	s := e.session("default")
	quoted := &waE2E.Message{Conversation: proto.String("lunch at noon?")}

	tests := []struct {
		name   string
		req    bridge.SendTextRequest
		wantTo string
		want   *waE2E.Message
	}{
		{
			name:   "plain text is a Conversation",
			req:    bridge.SendTextRequest{To: "4917612345678", Text: "hello", Key: "k1"},
			wantTo: "4917612345678@s.whatsapp.net",
			want:   &waE2E.Message{Conversation: proto.String("hello")},
		},
		{
			name:   "mentions need an ExtendedTextMessage",
			req:    bridge.SendTextRequest{To: group.String(), Text: "hi @4917612345678", Mentions: []string{"4917612345678"}, Key: "k2"},
			wantTo: group.String(),
			want: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text:        proto.String("hi @4917612345678"),
				ContextInfo: &waE2E.ContextInfo{MentionedJID: []string{"4917612345678@s.whatsapp.net"}},
			}},
		},
		{
			name:   "reply by user-form id quotes the indexed message",
			req:    bridge.SendTextRequest{To: group.String(), Text: "yes", ReplyTo: "false_" + group.String() + "_3EB0QUOTED01", Key: "k3"},
			wantTo: group.String(),
			want: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text: proto.String("yes"),
				ContextInfo: &waE2E.ContextInfo{
					StanzaID: proto.String("3EB0QUOTED01"), Participant: proto.String(alicePN.String()), QuotedMessage: quoted,
				},
			}},
		},
		{
			name:   "reply by bare id looks in the recipient's chat",
			req:    bridge.SendTextRequest{To: group.String(), Text: "ok", ReplyTo: "3EB0QUOTED01", Mentions: []string{alicePN.String()}, Key: "k4"},
			wantTo: group.String(),
			want: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text: proto.String("ok"),
				ContextInfo: &waE2E.ContextInfo{
					StanzaID: proto.String("3EB0QUOTED01"), Participant: proto.String(alicePN.String()), QuotedMessage: quoted,
					MentionedJID: []string{alicePN.String()},
				},
			}},
		},
		{
			name:   "forwarded carries WhatsApp's forwarded mark",
			req:    bridge.SendTextRequest{To: "4917612345678", Text: "fwd", Forwarded: true, Key: "k5"},
			wantTo: "4917612345678@s.whatsapp.net",
			want: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text:        proto.String("fwd"),
				ContextInfo: &waE2E.ContextInfo{IsForwarded: proto.Bool(true), ForwardingScore: proto.Uint32(1)},
			}},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.SendText(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			sent := c.sentMessages()
			if len(sent) != i+1 {
				t.Fatalf("%d messages sent, want %d", len(sent), i+1)
			}
			got := sent[i]
			if got.To.String() != tt.wantTo {
				t.Errorf("sent to %s, want %s", got.To, tt.wantTo)
			}
			if !proto.Equal(got.Msg, tt.want) {
				t.Errorf("message\n got %v\nwant %v", got.Msg, tt.want)
			}
			wantID := bridge.MessageIDFromKey(tt.req.Key)
			if got.Extra.ID != wantID || res.WAID != wantID {
				t.Errorf("id %s (result %s), want %s from the key", got.Extra.ID, res.WAID, wantID)
			}
			if res.MessageID != "true_"+tt.wantTo+"_"+wantID || res.Chat != tt.wantTo || !res.Timestamp.Equal(fixedTime) {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestSendTextRepliesToOwnSentMessage(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	s := e.session("default")
	first, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: "first", Key: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Commit(first.Cache); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: "second", ReplyTo: first.MessageID, Key: "b"}); err != nil {
		t.Fatal(err)
	}
	ci := c.sentMessages()[1].Msg.GetExtendedTextMessage().GetContextInfo()
	if ci.GetStanzaID() != first.WAID || ci.GetParticipant() != ownPN.String() || ci.GetQuotedMessage().GetConversation() != "first" {
		t.Fatalf("context info %v does not quote our own first message", ci)
	}
}

func TestSendTextSameKeySameID(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	s := e.session("default")
	req := bridge.SendTextRequest{To: "4917612345678", Text: "once", Key: "/orders#7"}
	r1, err1 := s.SendText(context.Background(), req)
	r2, err2 := s.SendText(context.Background(), req)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	sent := c.sentMessages()
	if r1.MessageID != r2.MessageID || sent[0].Extra.ID != sent[1].Extra.ID {
		t.Fatalf("a retried command got a new id: %s / %s", r1.MessageID, r2.MessageID)
	}
}

func TestSendTextErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(e *env) // leaves the default session in some state
		req     bridge.SendTextRequest
		sendErr error
		code    string
	}{
		{"not logged in", func(*env) {}, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, nil, werr.CodeNotLoggedIn},
		{"not connected", func(e *env) { e.pair("default") }, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, nil, werr.CodeNotConnected},
		{"bad recipient", connected, bridge.SendTextRequest{To: "+49 176", Text: "x"}, nil, werr.CodeInvalidRecipient},
		{"bad mention", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x", Mentions: []string{"bob"}}, nil, werr.CodeInvalidRecipient},
		{"empty text", connected, bridge.SendTextRequest{To: "4917612345678"}, nil, werr.CodeInvalidPayload},
		{"unknown reply", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x", ReplyTo: "3EB0NOPE"}, nil, werr.CodeMessageNotFound},
		{"malformed reply", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x", ReplyTo: "true_x"}, nil, werr.CodeInvalidPayload},
		{"whatsmeow not connected", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, whatsmeow.ErrNotConnected, werr.CodeNotConnected},
		{"whatsmeow not logged in", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, whatsmeow.ErrNotLoggedIn, werr.CodeNotLoggedIn},
		{"timeout", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, fmt.Errorf("sending: %w", context.DeadlineExceeded), werr.CodeTimeout},
		{"server refusal", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, fmt.Errorf("%w 479", whatsmeow.ErrServerReturnedError), werr.CodeUpstream},
		{"not on WhatsApp", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, fmt.Errorf("%w 404", whatsmeow.ErrServerReturnedError), werr.CodeNotOnWhatsApp},
		{"no group", connected, bridge.SendTextRequest{To: group.String(), Text: "x"}, fmt.Errorf("%w 404", whatsmeow.ErrServerReturnedError), werr.CodeNotFound},
		{"rate limited", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, fmt.Errorf("%w 429", whatsmeow.ErrServerReturnedError), werr.CodeRateLimited},
		{"not authorized", connected, bridge.SendTextRequest{To: "4917612345678", Text: "x"}, fmt.Errorf("%w 401", whatsmeow.ErrServerReturnedError), werr.CodeNotLoggedIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			tt.setup(e)
			c := e.fakes.last("default")
			c.sendErr = tt.sendErr
			_, err := e.session("default").SendText(context.Background(), tt.req)
			wantCode(t, err, tt.code)
			if tt.sendErr == nil && len(c.sentMessages()) != 0 {
				t.Fatal("a rejected request was sent")
			}
		})
	}
}

func connected(e *env) { e.loggedInConnected("default") }

// A message that arrived in Alice's LID-addressed chat is quoted by its bare
// id in a reply to her phone number: the same conversation.
func TestSendTextRepliesByBareIDAcrossLIDAndPhone(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	evt := &waEvents.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: aliceLID, Sender: aliceLID, SenderAlt: alicePN, AddressingMode: types.AddressingModeLID},
			ID:            "3EB0VIALID01", PushName: "Alice", Timestamp: fixedTime,
		},
		Message: &waE2E.Message{Conversation: proto.String("from my lid")},
	}
	if !c.push(evt) {
		t.Fatal("incoming message not handled")
	}
	s := e.session("default")
	if _, err := s.SendText(context.Background(), bridge.SendTextRequest{To: alicePN.User, Text: "re", ReplyTo: "3EB0VIALID01", Key: "lid"}); err != nil {
		t.Fatalf("reply by bare id to the phone number: %v", err)
	}
	sent := c.sentMessages()
	ci := sent[len(sent)-1].Msg.GetExtendedTextMessage().GetContextInfo()
	if ci.GetStanzaID() != "3EB0VIALID01" || ci.GetQuotedMessage().GetConversation() != "from my lid" {
		t.Fatalf("quote %v", ci)
	}
	// A bare id of Alice's chat does not quote into somebody else's.
	_, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4915112345678", Text: "re", ReplyTo: "3EB0VIALID01", Key: "other"})
	wantCode(t, err, werr.CodeMessageNotFound)
}
