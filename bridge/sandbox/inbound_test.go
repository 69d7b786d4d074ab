package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestInboundDeliversWhatsmeowMessage(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	own := f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	group := types.NewJID("120363025246125486", types.GroupServer)
	tests := []struct {
		name        string
		in          sandbox.Inbound
		chat        types.JID
		quoted      string
		participant string
	}{
		{name: "1:1 text", in: sandbox.Inbound{From: "4917612345678", Message: "hi", PushName: "Alice"}, chat: alice},
		{name: "from a JID with given id", in: sandbox.Inbound{From: alice.String(), Message: "hi", ID: "3EB0GIVEN", Type: "text"}, chat: alice},
		{name: "in a group", in: sandbox.Inbound{From: "4917612345678", Chat: group.String(), Message: "hi all"}, chat: group},
		{
			name: "reply to the session's message",
			in:   sandbox.Inbound{From: "4917612345678", Message: "yes", ReplyTo: "true_" + alice.String() + "_3EB0MINE"},
			chat: alice, quoted: "3EB0MINE", participant: own.ToNonAD().String(),
		},
		{name: "reply by bare id", in: sandbox.Inbound{From: "4917612345678", Message: "ok", ReplyTo: "3EB0BARE"}, chat: alice, quoted: "3EB0BARE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.net.Inbound(testCtx(t), "default", tt.in)
			if err != nil {
				t.Fatalf("Inbound: %v", err)
			}
			msg := next[*events.Message](t, f.rec)
			info := msg.Info
			if info.ID != id || (tt.in.ID != "" && string(id) != tt.in.ID) || (tt.in.ID == "" && !strings.HasPrefix(string(id), "3EB0")) {
				t.Fatalf("id %s (returned %s), want %q or a whatsmeow-style id", info.ID, id, tt.in.ID)
			}
			if info.Chat != tt.chat || info.Sender != alice || info.IsGroup != (tt.chat.Server == types.GroupServer) || info.IsFromMe {
				t.Fatalf("source %+v, want chat %s sender %s", info.MessageSource, tt.chat, alice)
			}
			if info.SenderAlt.Server != types.HiddenUserServer || info.SenderAlt.User == "" {
				t.Fatalf("SenderAlt %s, want the sender's LID", info.SenderAlt)
			}
			if info.Type != "text" || info.PushName != tt.in.PushName || info.Timestamp.IsZero() {
				t.Fatalf("info %+v, want type text, push name %q and a timestamp", info, tt.in.PushName)
			}
			text := msg.Message.GetConversation()
			if ext := msg.Message.GetExtendedTextMessage(); ext != nil {
				text = ext.GetText()
			}
			if text != tt.in.Message || msg.RawMessage == nil {
				t.Fatalf("message %v, want text %q and a raw message", msg.Message, tt.in.Message)
			}
			ctxInfo := msg.Message.GetExtendedTextMessage().GetContextInfo()
			if ctxInfo.GetStanzaID() != tt.quoted || ctxInfo.GetParticipant() != tt.participant {
				t.Fatalf("quote %q by %q, want %q by %q", ctxInfo.GetStanzaID(), ctxInfo.GetParticipant(), tt.quoted, tt.participant)
			}
		})
	}
}

func TestInboundSenderHasStableLID(t *testing.T) {
	lids := map[types.JID]bool{}
	for range 2 {
		f := newFixture(t, sandbox.Config{})
		f.login(t, "")
		if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "x"}); err != nil {
			t.Fatal(err)
		}
		lids[next[*events.Message](t, f.rec).Info.SenderAlt] = true
	}
	if len(lids) != 1 {
		t.Fatalf("the same contact got LIDs %v on two networks", lids)
	}
}

func TestInboundFromLIDCarriesKnownPhoneNumber(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "first"}); err != nil {
		t.Fatal(err)
	}
	lid := next[*events.Message](t, f.rec).Info.SenderAlt
	if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: lid.String(), Message: "second"}); err != nil {
		t.Fatal(err)
	}
	info := next[*events.Message](t, f.rec).Info
	if info.Sender != lid || info.SenderAlt.User != "4917612345678" || info.AddressingMode != types.AddressingModeLID {
		t.Fatalf("source %+v, want LID sender with its phone number as alternative", info.MessageSource)
	}
}

func TestUnacknowledgedMessageIsRedeliveredWithSameID(t *testing.T) {
	f := newFixture(t, sandbox.Config{RedeliveryBackoff: time.Millisecond})
	f.login(t, "")
	f.rec.mu.Lock()
	f.rec.refuse = 2
	f.rec.mu.Unlock()
	id, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "again"})
	if err != nil {
		t.Fatalf("Inbound: %v", err)
	}
	var deliveries []*events.Message
	for _, evt := range f.rec.seen() {
		if m, ok := evt.(*events.Message); ok {
			deliveries = append(deliveries, m)
		}
	}
	if len(deliveries) != 3 {
		t.Fatalf("%d deliveries, want 2 refused + 1 acknowledged", len(deliveries))
	}
	for _, m := range deliveries {
		if m.Info.ID != id || m.Message.GetConversation() != "again" {
			t.Fatalf("redelivery %s %q, want the same message %s", m.Info.ID, m.Message.GetConversation(), id)
		}
	}
}

func TestNeverAcknowledgedMessageFails(t *testing.T) {
	f := newFixture(t, sandbox.Config{RedeliveryAttempts: 3, RedeliveryBackoff: time.Millisecond})
	f.login(t, "")
	f.rec.mu.Lock()
	f.rec.refuse = 1000
	f.rec.mu.Unlock()
	_, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "lost?"})
	if werr.KindOf(err) != werr.KindTimeout {
		t.Fatalf("Inbound: %v, want a timeout error", err)
	}
	count := 0
	for _, evt := range f.rec.seen() {
		if _, ok := evt.(*events.Message); ok {
			count++
		}
	}
	if count != 3 {
		t.Fatalf("%d deliveries, want RedeliveryAttempts=3", count)
	}
}

func TestInboundKeepsOrder(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	const n = 20
	for i := range n {
		if _, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if got := next[*events.Message](t, f.rec).Message.GetConversation(); got != fmt.Sprint(i) {
			t.Fatalf("message %d is %q", i, got)
		}
	}
}

func TestInboundRefusals(t *testing.T) {
	valid := sandbox.Inbound{From: "4917612345678", Message: "hi"}
	with := func(change func(*sandbox.Inbound)) sandbox.Inbound {
		in := valid
		change(&in)
		return in
	}
	tests := []struct {
		name     string
		session  string
		loggedIn bool
		in       sandbox.Inbound
		want     werr.Kind
		code     string
	}{
		{"unknown session", "nope", true, valid, werr.KindNotFound, werr.CodeSessionNotFound},
		{"not logged in", "default", false, valid, werr.KindNotLoggedIn, werr.CodeNotLoggedIn},
		{"malformed from", "default", true, with(func(in *sandbox.Inbound) { in.From = "+49 176" }), werr.KindInvalid, werr.CodeInvalidRecipient},
		{"sender not on WhatsApp", "default", true, with(func(in *sandbox.Inbound) { in.From = "4930000000" }), werr.KindInvalid, werr.CodeInvalidRecipient},
		{"group as sender", "default", true, with(func(in *sandbox.Inbound) { in.From = "120363025246125486@g.us" }), werr.KindInvalid, werr.CodeInvalidRecipient},
		{"someone else's chat", "default", true, with(func(in *sandbox.Inbound) { in.Chat = "4915550000000" }), werr.KindInvalid, werr.CodeInvalidRecipient},
		{"unsupported type", "default", true, with(func(in *sandbox.Inbound) { in.Type = "sticker_pack" }), werr.KindInvalid, werr.CodeInvalidPayload},
		{"empty message", "default", true, with(func(in *sandbox.Inbound) { in.Message = "" }), werr.KindInvalid, werr.CodeInvalidPayload},
		{"malformed reply", "default", true, with(func(in *sandbox.Inbound) { in.ReplyTo = "true_nonsense_" }), werr.KindInvalid, werr.CodeInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{NotOnWhatsApp: []string{"4930000000"}})
			if tt.loggedIn {
				f.login(t, "")
			}
			_, err := f.net.Inbound(testCtx(t), tt.session, tt.in)
			if we := werr.From(err); err == nil || we.Kind != tt.want || we.Code != tt.code {
				t.Fatalf("Inbound: %v, want %s", err, tt.code)
			}
		})
	}
}

func TestInboundWhileDisconnectedIsNotConnected(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	f.cli.Disconnect()
	_, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: "4917612345678", Message: "hi"})
	if werr.KindOf(err) != werr.KindNotConnected {
		t.Fatalf("Inbound: %v, want NOT_CONNECTED", err)
	}
}

// BenchmarkInbound measures one acknowledged inbound message end to end:
// validation, event building, queued dispatch and the wait for the ack.
func BenchmarkInbound(b *testing.B) {
	net := sandbox.NewNetwork(sandbox.Config{})
	f := &fixture{net: net, rec: newRecorder()}
	f.container = newContainer(b)
	f.dev = f.container.NewDevice()
	f.cli = net.NewClient("default", f.dev, nil)
	f.cli.AddEventHandlerWithSuccessStatus(func(any) bool { return true })
	if err := f.cli.Connect(); err != nil {
		b.Fatal(err)
	}
	if _, err := net.Scan(b.Context(), "default", ""); err != nil {
		b.Fatal(err)
	}
	in := sandbox.Inbound{From: "4917612345678", Message: "bench"}
	b.ResetTimer()
	for b.Loop() {
		if _, err := net.Inbound(b.Context(), "default", in); err != nil {
			b.Fatal(err)
		}
	}
}
