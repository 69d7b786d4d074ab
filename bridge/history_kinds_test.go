package bridge_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// The history sync parses past messages with whatsmeow's ParseWebMessage,
// which unwraps like a live message: every kind a live message has becomes
// the same message.history, wrappers' flags included.
func TestHistorySyncTranslatesEveryKind(t *testing.T) {
	alice := alicePN.String()
	var msgs []*waHistorySync.HistorySyncMsg
	for i, k := range kindCases() {
		msgs = append(msgs, &waHistorySync.HistorySyncMsg{Message: &waWeb.WebMessageInfo{
			Key:              &waCommon.MessageKey{RemoteJID: proto.String(alice), FromMe: proto.Bool(false), ID: proto.String("3EB0HK" + k.name)},
			Message:          k.raw,
			MessageTimestamp: proto.Uint64(1741000000 + uint64(i)),
		}})
	}
	blob := &waHistorySync.HistorySync{
		SyncType:      waHistorySync.HistorySync_RECENT.Enum(),
		Conversations: []*waHistorySync.Conversation{{ID: proto.String(alice), Messages: msgs}},
	}
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	if !c.push(&waEvents.HistorySync{Data: blob}) {
		t.Fatal("history sync handler failed")
	}
	got := map[string]events.MessageReceived{}
	for _, ev := range e.sink.ofType(events.TypeMessageHistory) {
		if err := events.Validate(ev); err != nil {
			t.Fatalf("invalid %s: %v", ev.Key, err)
		}
		d := ev.Data.(events.MessageReceived)
		got[d.WAID] = d
	}
	if len(got) != len(msgs) {
		t.Fatalf("%d message.history for %d past messages", len(got), len(msgs))
	}
	want := map[string]func(events.MessageReceived) bool{
		"kind_link_preview_forwarded": func(d events.MessageReceived) bool {
			return d.LinkPreview != nil && d.LinkPreview.Title == "The Go Blog" && d.Forwarded && d.ForwardingScore == 5
		},
		"kind_location_reply": func(d events.MessageReceived) bool {
			return d.Type == events.KindLocation && d.Location.Name == "Brandenburg Gate" && d.Quoted != nil
		},
		"kind_live_location": func(d events.MessageReceived) bool {
			return d.Type == events.KindLiveLocation && d.Location.Sequence == 1741964966000
		},
		"kind_contacts_array": func(d events.MessageReceived) bool {
			return d.Type == events.KindContacts && len(d.Contacts) == 2
		},
		"kind_poll_v3": func(d events.MessageReceived) bool {
			return d.Type == events.KindPoll && len(d.Poll.Options) == 3 && d.Poll.SelectableCount == 1
		},
		"kind_view_once_text":    func(d events.MessageReceived) bool { return d.ViewOnce && d.Text == "read me once" },
		"kind_ephemeral_contact": func(d events.MessageReceived) bool { return d.Ephemeral && d.Type == events.KindContact },
	}
	for name, ok := range want {
		if d := got["3EB0HK"+name]; !ok(d) {
			t.Errorf("%s from history: %+v", name, d)
		}
	}
}

// A kind's message.history and its message.received have the same data
// apart from the type of event: one translation serves both.
func TestHistoryKindMatchesLive(t *testing.T) {
	k := kindCases()[1] // a location quoting our message
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	live := kindMessage(types.MessageSource{Chat: alicePN, Sender: alicePN}, "3EB0SAME", proto.Clone(k.raw).(*waE2E.Message))
	live.Info.PushName = ""
	live.Info.Timestamp = fixedTime
	if !c.push(live) {
		t.Fatal("live message not handled")
	}
	blob := &waHistorySync.HistorySync{
		SyncType: waHistorySync.HistorySync_RECENT.Enum(),
		Conversations: []*waHistorySync.Conversation{{ID: proto.String(alicePN.String()), Messages: []*waHistorySync.HistorySyncMsg{{
			Message: &waWeb.WebMessageInfo{
				Key:              &waCommon.MessageKey{RemoteJID: proto.String(alicePN.String()), ID: proto.String("3EB0SAME")},
				Message:          k.raw,
				MessageTimestamp: proto.Uint64(uint64(fixedTime.Unix())),
			},
		}}}},
	}
	if !c.push(&waEvents.HistorySync{Data: blob}) {
		t.Fatal("history sync handler failed")
	}
	rec, hist := e.sink.ofType(events.TypeMessageReceived), e.sink.ofType(events.TypeMessageHistory)
	if len(rec) != 1 || len(hist) != 1 {
		t.Fatalf("%d received, %d history; want 1 each", len(rec), len(hist))
	}
	a, b := rec[0].Data.(events.MessageReceived), hist[0].Data.(events.MessageReceived)
	if a.Type != b.Type || *a.Location != *b.Location || *a.Quoted != *b.Quoted || a.ID != b.ID {
		t.Fatalf("live %+v\nhistory %+v", a, b)
	}
}
