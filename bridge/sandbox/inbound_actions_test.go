package sandbox_test

import (
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var we *werr.Error
	if !errors.As(err, &we) || we.Code != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

// A contact reacts to the session's message and to its own, edits and
// revokes its own: each arrives as the proto its phone sends, keyed from
// the contact's point of view, unwrapped as whatsmeow unwraps it.
func TestInboundActionsBuildWhatsAppMessages(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	own := f.login(t, "4917600000001").ToNonAD()
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	ctx := testCtx(t)
	if _, err := f.cli.SendMessage(ctx, alice, &waE2E.Message{Conversation: proto.String("hi")}, whatsmeow.SendRequestExtra{ID: "3EB0OURS01"}); err != nil {
		t.Fatal(err)
	}
	hers, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: alice.User, Message: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	next[*events.Message](t, f.rec)
	key := func(fromMe bool, id string) *waCommon.MessageKey {
		return &waCommon.MessageKey{RemoteJID: proto.String(own.String()), FromMe: proto.Bool(fromMe), ID: proto.String(id)}
	}
	steps := []struct {
		name string
		in   sandbox.Inbound
		want *waE2E.Message
		edit bool
	}{
		{"reaction to ours", sandbox.Inbound{Type: "reaction", Fields: map[string]any{"message_id": "true_" + alice.String() + "_3EB0OURS01", "emoji": "👍"}},
			&waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: key(false, "3EB0OURS01"), Text: proto.String("👍")}}, false},
		{"reaction to hers", sandbox.Inbound{Type: "reaction", Fields: map[string]any{"message_id": string(hers), "emoji": ""}},
			&waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: key(true, string(hers)), Text: proto.String("")}}, false},
		{"edit of hers", sandbox.Inbound{Type: "edit", Message: "hello!", Fields: map[string]any{"message_id": "false_" + alice.String() + "_" + string(hers)}},
			&waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: key(true, string(hers)),
				EditedMessage: &waE2E.Message{Conversation: proto.String("hello!")}}}, true},
		{"revoke of hers", sandbox.Inbound{Type: "revoke", Fields: map[string]any{"message_id": string(hers)}},
			&waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: key(true, string(hers))}}, false},
	}
	for _, s := range steps {
		s.in.From = alice.User
		if _, err := f.net.Inbound(ctx, "default", s.in); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		evt := next[*events.Message](t, f.rec)
		got := proto.Clone(evt.Message).(*waE2E.Message)
		// Timestamps are the network clock's; the rest is compared.
		if r := got.GetReactionMessage(); r != nil {
			r.SenderTimestampMS = nil
		}
		if p := got.GetProtocolMessage(); p != nil {
			p.TimestampMS = nil
		}
		if !proto.Equal(got, s.want) || evt.IsEdit != s.edit {
			t.Errorf("%s: got %s (edit %v)\nwant %s", s.name, prototext.Format(got), evt.IsEdit, prototext.Format(s.want))
		}
	}
	// Revoked is gone for everyone: no edit, no reaction, no second revoke.
	for _, typ := range []string{"edit", "reaction", "revoke"} {
		_, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: alice.User, Type: typ, Message: "again", Fields: map[string]any{"message_id": string(hers), "emoji": "😂"}})
		wantCode(t, typ+" of a revoked message", err, werr.CodeMessageNotFound)
	}
}

// WhatsApp's rules: only the sender edits or revokes, edits within 15
// minutes by the network's clock, actions name a message of the chat.
func TestInboundActionRefusals(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	ctx := testCtx(t)
	if _, err := f.cli.SendMessage(ctx, alice, &waE2E.Message{Conversation: proto.String("hi")}, whatsmeow.SendRequestExtra{ID: "3EB0OURS01"}); err != nil {
		t.Fatal(err)
	}
	hers, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: alice.User, Message: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	next[*events.Message](t, f.rec)
	ours := "true_" + alice.String() + "_3EB0OURS01"
	act := func(from, typ, ref string) error {
		_, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: from, Type: typ, Message: "changed", Fields: map[string]any{"message_id": ref, "emoji": "👍"}})
		return err
	}
	wantCode(t, "edit of the session's message", act(alice.User, "edit", ours), werr.CodeForbidden)
	wantCode(t, "revoke of the session's message", act(alice.User, "revoke", ours), werr.CodeForbidden)
	wantCode(t, "reaction to an unknown message", act(alice.User, "reaction", "3EB0NOSUCH"), werr.CodeMessageNotFound)
	wantCode(t, "reaction from another chat", act("4917699990000", "reaction", string(hers)), werr.CodeMessageNotFound)
	wantCode(t, "reaction without message_id", act(alice.User, "reaction", ""), werr.CodeInvalidPayload)
	if _, err := f.net.Advance(14 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := act(alice.User, "edit", string(hers)); err != nil {
		t.Fatalf("edit at minute 14: %v", err)
	}
	next[*events.Message](t, f.rec)
	if _, err := f.net.Advance(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "edit at minute 16", act(alice.User, "edit", string(hers)), werr.CodeEditWindowClosed)
	var delivered int
	for _, evt := range f.rec.seen() {
		if _, ok := evt.(*events.Message); ok {
			delivered++
		}
	}
	if delivered != 2 {
		t.Fatalf("%d messages delivered, want the text and the edit at minute 14 only", delivered)
	}
}
