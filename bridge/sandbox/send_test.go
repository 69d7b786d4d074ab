package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

func TestSendMessageRecordsDeliveries(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	own := f.login(t, "4917600000001")
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	// The network knows its groups: a send to one it does not is NOT_FOUND.
	created, err := f.cli.CreateGroup(testCtx(t), whatsmeow.ReqCreateGroup{Name: "Team", Participants: []types.JID{contact}})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	group := created.JID
	tests := []struct {
		name string
		to   types.JID
		msg  *waE2E.Message
		id   string
		want sandbox.Delivery
	}{
		{
			name: "conversation with chosen id",
			to:   contact,
			msg:  &waE2E.Message{Conversation: proto.String("hello")},
			id:   "3EB0AAAAAAAAAAAAAAAAAA",
			want: sandbox.Delivery{Type: "text", Message: "hello", WAID: "3EB0AAAAAAAAAAAAAAAAAA"},
		},
		{
			name: "extended text quoting and mentioning",
			to:   group,
			msg: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text: proto.String("@4917612345678 see above"),
				ContextInfo: &waE2E.ContextInfo{
					StanzaID:     proto.String("3EB0QUOTED"),
					MentionedJID: []string{contact.String()},
				},
			}},
			want: sandbox.Delivery{Type: "text", Message: "@4917612345678 see above", QuotedID: "false_" + group.String() + "_3EB0QUOTED", Mentions: []string{contact.String()}},
		},
		{
			// Phones wrap view-once media; the outbox reads what is inside.
			name: "inside a view-once wrapper",
			to:   contact,
			msg:  &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("once")}}},
			id:   "3EB0BBBBBBBBBBBBBBBBBB",
			want: sandbox.Delivery{Type: "text", Message: "once", WAID: "3EB0BBBBBBBBBBBBBBBBBB"},
		},
		{
			name: "kind the sandbox does not read yet",
			to:   contact,
			msg:  &waE2E.Message{GroupInviteMessage: &waE2E.GroupInviteMessage{GroupName: proto.String("g")}},
			want: sandbox.Delivery{Type: "unknown", Message: ""},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.cli.SendMessage(testCtx(t), tt.to, tt.msg, whatsmeow.SendRequestExtra{ID: types.MessageID(tt.id)})
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			if tt.id != "" && string(resp.ID) != tt.id {
				t.Fatalf("response id %s, want %s", resp.ID, tt.id)
			}
			if resp.ID == "" || resp.Timestamp.IsZero() || resp.Sender != own {
				t.Fatalf("response %+v, want id, timestamp and sender %s", resp, own)
			}
			out := f.net.Outbox()
			if len(out) != i+1 {
				t.Fatalf("outbox has %d deliveries, want %d", len(out), i+1)
			}
			got := out[i]
			want := tt.want
			want.To, want.WAID, want.From, want.Session, want.Timestamp = tt.to.String(), string(resp.ID), own.ToNonAD().String(), "default", resp.Timestamp
			want.MessageID = "true_" + tt.to.String() + "_" + string(resp.ID)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("delivery\n got %+v\nwant %+v", got, want)
			}
		})
	}

	raw, err := json.Marshal(f.net.Outbox()[1])
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"to", "message_id", "wa_id", "type", "message", "quoted_message_id", "mentions", "from", "session", "timestamp"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("delivery JSON %s lacks %q", raw, key)
		}
	}

	f.net.ResetOutbox()
	if out := f.net.Outbox(); len(out) != 0 {
		t.Fatalf("outbox after reset has %d deliveries", len(out))
	}
}

func TestOutboxKeepsTheLatest(t *testing.T) {
	f := newFixture(t, sandbox.Config{OutboxSize: 3, DisableReceipts: true})
	f.login(t, "")
	to := types.NewJID("4917612345678", types.DefaultUserServer)
	var ids []string
	for range 5 {
		resp, err := f.cli.SendMessage(testCtx(t), to, &waE2E.Message{Conversation: proto.String("x")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, string(resp.ID))
	}
	var got []string
	for _, d := range f.net.Outbox() {
		got = append(got, d.WAID)
	}
	if !reflect.DeepEqual(got, ids[2:]) {
		t.Fatalf("outbox ids %v, want the last three %v oldest first", got, ids[2:])
	}
}

func TestVirtualContactsAcknowledgeWithReceipts(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "")
	to := types.NewJID("4917612345678", types.DefaultUserServer)
	resp, err := f.cli.SendMessage(testCtx(t), to, &waE2E.Message{Conversation: proto.String("hi")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []types.ReceiptType{types.ReceiptTypeDelivered, types.ReceiptTypeRead} {
		r := next[*events.Receipt](t, f.rec)
		if r.Type != want || r.Chat != to || r.Sender != to || len(r.MessageIDs) != 1 || r.MessageIDs[0] != resp.ID {
			t.Fatalf("receipt %+v, want %q for %s from %s", r, want, resp.ID, to)
		}
	}
}

func TestSendMessageRefusals(t *testing.T) {
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	text := &waE2E.Message{Conversation: proto.String("hi")}
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		to    types.JID
		want  []error
	}{
		{"not logged in", func(*testing.T, *fixture) {}, contact, []error{whatsmeow.ErrNotLoggedIn}},
		{"disconnected", func(t *testing.T, f *fixture) { f.login(t, ""); f.cli.Disconnect() }, contact, []error{whatsmeow.ErrNotConnected}},
		{"not on WhatsApp", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.NewJID("4930000000", types.DefaultUserServer),
			[]error{whatsmeow.ErrServerReturnedError, sandbox.ErrNotOnWhatsApp}},
		{"magic number not on WhatsApp", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.NewJID(sandbox.NotOnWhatsAppPrefix+"1234567", types.DefaultUserServer),
			[]error{whatsmeow.ErrServerReturnedError, sandbox.ErrNotOnWhatsApp}},
		{"magic number rate limited", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.NewJID(sandbox.RateLimitedPrefix+"1234567", types.DefaultUserServer),
			[]error{whatsmeow.ErrServerReturnedError}},
		{"magic number slower than the caller", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.NewJID(sandbox.SlowPrefix+"1234567", types.DefaultUserServer),
			[]error{context.DeadlineExceeded}},
		{"device JID", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.JID{User: "4917612345678", Server: types.DefaultUserServer, Device: 3},
			[]error{whatsmeow.ErrRecipientADJID}},
		{"unknown server", func(t *testing.T, f *fixture) { f.login(t, "") },
			types.NewJID("x", "example.com"), []error{whatsmeow.ErrUnknownServer}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sandbox.Config{NotOnWhatsApp: []string{"4930000000@s.whatsapp.net"}, SlowAck: time.Hour})
			tt.setup(t, f)
			ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
			defer cancel()
			_, err := f.cli.SendMessage(ctx, tt.to, text)
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Fatalf("SendMessage: %v, want %v", err, want)
				}
			}
			if out := f.net.Outbox(); len(out) != 0 {
				t.Fatalf("refused send reached the outbox: %+v", out)
			}
		})
	}
}
