package bridge_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waSyncAction"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// Changes made on the phone arrive as whatsmeow's app-state events and
// become chat.updated (origin app_state) with only what changed set;
// contact names become contact.updated. The same change again has the same id.
func TestAppStateBecomesChatAndContactUpdates(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	at := fixedTime
	until := at.Add(8 * time.Hour)
	group := types.NewJID("120363025246125888", types.GroupServer)
	tests := []struct {
		name  string
		evt   any
		check func(t *testing.T, d events.ChatUpdated)
	}{
		{"archive", &waEvents.Archive{JID: alicePN, Timestamp: at, Action: &waSyncAction.ArchiveChatAction{Archived: proto.Bool(true)}},
			func(t *testing.T, d events.ChatUpdated) { wantBool(t, "archived", d.Archived, true) }},
		{"unpin", &waEvents.Pin{JID: group, Timestamp: at, Action: &waSyncAction.PinAction{Pinned: proto.Bool(false)}},
			func(t *testing.T, d events.ChatUpdated) { wantBool(t, "pinned", d.Pinned, false) }},
		{"mute for 8h", &waEvents.Mute{JID: alicePN, Timestamp: at, Action: &waSyncAction.MuteAction{Muted: proto.Bool(true), MuteEndTimestamp: proto.Int64(until.UnixMilli())}},
			func(t *testing.T, d events.ChatUpdated) {
				wantBool(t, "muted", d.Muted, true)
				if d.MutedUntil == nil || !d.MutedUntil.Equal(until) {
					t.Fatalf("muted_until = %v, want %v", d.MutedUntil, until)
				}
			}},
		{"mute forever", &waEvents.Mute{JID: alicePN, Timestamp: at.Add(time.Second), Action: &waSyncAction.MuteAction{Muted: proto.Bool(true), MuteEndTimestamp: proto.Int64(-1)}},
			func(t *testing.T, d events.ChatUpdated) {
				wantBool(t, "muted", d.Muted, true)
				if d.MutedUntil != nil {
					t.Fatalf("muted_until = %v, want none (forever)", d.MutedUntil)
				}
			}},
		{"mark read", &waEvents.MarkChatAsRead{JID: group, Timestamp: at, Action: &waSyncAction.MarkChatAsReadAction{Read: proto.Bool(true)}},
			func(t *testing.T, d events.ChatUpdated) { wantBool(t, "read", d.Read, true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.sink.reset()
			if !c.push(tt.evt) || !c.push(tt.evt) {
				t.Fatal("handler failed")
			}
			got := e.sink.ofType(events.TypeChatUpdated)
			if len(got) != 2 {
				t.Fatalf("%d chat.updated, want 2", len(got))
			}
			if events.EventID("default", got[0].Type, got[0].Key) != events.EventID("default", got[1].Type, got[1].Key) {
				t.Fatal("the same change got two ids")
			}
			d := got[0].Data.(events.ChatUpdated)
			if d.Origin != events.OriginAppState || d.Timestamp.Sub(at) < 0 || d.Timestamp.Sub(at) > time.Second {
				t.Fatalf("origin %q, timestamp %v", d.Origin, d.Timestamp)
			}
			tt.check(t, d)
		})
	}

	e.sink.reset()
	c.push(&waEvents.PushName{JID: alicePN, JIDAlt: types.NewJID("987654321098765", types.HiddenUserServer),
		Message: &types.MessageInfo{Timestamp: at}, OldPushName: "Al", NewPushName: "Alice"})
	c.push(&waEvents.Contact{JID: alicePN, Timestamp: at, Action: &waSyncAction.ContactAction{FullName: proto.String("Alice Doe"), FirstName: proto.String("Alice")}})
	got := e.sink.ofType(events.TypeContactUpdated)
	if len(got) != 2 {
		t.Fatalf("%d contact.updated, want 2", len(got))
	}
	push, book := got[0].Data.(events.ContactUpdated), got[1].Data.(events.ContactUpdated)
	if push.PushName != "Alice" || push.Contact.LID != "987654321098765@lid" || got[0].Subject != alicePN.String() {
		t.Fatalf("push name event %+v on %s", push, got[0].Subject)
	}
	if book.FullName != "Alice Doe" || book.FirstName != "Alice" || book.PushName != "" {
		t.Fatalf("contact event %+v", book)
	}
}

func wantBool(t *testing.T, name string, got *bool, want bool) {
	t.Helper()
	if got == nil || *got != want {
		t.Fatalf("%s = %v, want %v", name, got, want)
	}
}
