package bridge_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

const historyGroup = "120363025246125999@g.us"

// historyBlob is a sync blob as WhatsApp sends it: a direct chat (muted,
// archived, two texts, one ours, and an image), a group (pinned, marked
// unread, a text with a participant and a stub), and push names.
func historyBlob() *waHistorySync.HistorySync {
	web := func(chat, id, participant string, fromMe bool, ts uint64, msg *waE2E.Message) *waHistorySync.HistorySyncMsg {
		w := &waWeb.WebMessageInfo{
			Key:              &waCommon.MessageKey{RemoteJID: proto.String(chat), FromMe: proto.Bool(fromMe), ID: proto.String(id)},
			Message:          msg,
			MessageTimestamp: proto.Uint64(ts),
		}
		if participant != "" {
			w.Participant = proto.String(participant)
			w.PushName = proto.String("Bruno")
		}
		if msg == nil {
			w.MessageStubType = waWeb.WebMessageInfo_GROUP_CREATE.Enum()
		}
		return &waHistorySync.HistorySyncMsg{Message: w}
	}
	text := func(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }
	alice := alicePN.String()
	return &waHistorySync.HistorySync{
		SyncType:   waHistorySync.HistorySync_INITIAL_BOOTSTRAP.Enum(),
		ChunkOrder: proto.Uint32(1),
		Progress:   proto.Uint32(50),
		Conversations: []*waHistorySync.Conversation{
			{
				ID: proto.String(alice), Name: proto.String("Alice"),
				Archived: proto.Bool(true), MuteEndTime: proto.Uint64(1741100000), UnreadCount: proto.Uint32(1),
				ConversationTimestamp: proto.Uint64(1741000300),
				Messages: []*waHistorySync.HistorySyncMsg{
					web(alice, "3EB0HIST0003", "", false, 1741000300, text("see you")),
					web(alice, "3EB0HIST0002", "", true, 1741000200, text("at 8?")),
					web(alice, "3EB0HIST0001", "", false, 1741000100, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("pic")}}),
				},
			},
			{
				ID: proto.String(historyGroup), Name: proto.String("Dinner club"),
				Pinned: proto.Uint32(1741000000), MarkedAsUnread: proto.Bool(true),
				LastMsgTimestamp: proto.Uint64(1741000050),
				Messages: []*waHistorySync.HistorySyncMsg{
					web(historyGroup, "3EB0HIST0011", "4915122222222@s.whatsapp.net", false, 1741000050, text("hello all")),
					web(historyGroup, "3EB0HIST0010", "4915122222222@s.whatsapp.net", false, 1741000000, nil),
				},
			},
		},
		Pushnames: []*waHistorySync.Pushname{
			{ID: proto.String("4915122222222@s.whatsapp.net"), Pushname: proto.String("Bruno")},
			{ID: proto.String("not a jid@@"), Pushname: proto.String("nobody")},
		},
	}
}

// loadBlob reads the blob's wire form from testdata (written by -update),
// so the test decodes what WhatsApp's encoding gives, as whatsmeow would.
func loadBlob(t *testing.T) *waHistorySync.HistorySync {
	t.Helper()
	path := filepath.Join("testdata", "history", "initial_bootstrap.pb")
	if *update {
		b, err := proto.Marshal(historyBlob())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading history blob (run with -update to create it): %v", err)
	}
	var blob waHistorySync.HistorySync
	if err := proto.Unmarshal(raw, &blob); err != nil {
		t.Fatal(err)
	}
	return &blob
}

// A blob becomes its chat.updated, message.history and contact.updated
// events, then history.sync, kept in one batch; a second sync of the same
// blob gives the same ids.
func TestHistorySyncBlobBecomesEvents(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	before := e.sink.tries()
	if !c.push(&waEvents.HistorySync{Data: loadBlob(t)}) {
		t.Fatal("history sync handler failed")
	}
	if n := e.sink.tries() - before; n != 1 {
		t.Fatalf("%d sink calls for one blob, want 1 (one transaction)", n)
	}
	first := e.sink.all()
	got := make([]events.Event, len(first))
	for i, ev := range first {
		if ev.Type == events.TypeHistorySync || ev.Type == events.TypeContactUpdated {
			ev.Time = time.Time{} // the blob says no time for these: they carry when they were kept
		}
		got[i] = ev
	}
	golden(t, "history_initial_bootstrap", got)
	if n := len(e.sink.ofType(events.TypeMessageHistory)); n != 4 {
		t.Fatalf("%d message.history, want 4 (the stub has no event)", n)
	}

	e.sink.reset()
	if !c.push(&waEvents.HistorySync{Data: loadBlob(t)}) {
		t.Fatal("second history sync failed")
	}
	again := e.sink.all()
	if len(again) != len(first) {
		t.Fatalf("second sync gave %d events, the first %d", len(again), len(first))
	}
	for i := range again {
		a, b := again[i], first[i]
		if events.EventID(a.Session, a.Type, a.Key) != events.EventID(b.Session, b.Type, b.Key) {
			t.Fatalf("event %d (%s) has another id in the second sync", i, a.Type)
		}
	}
}

// The raw messages of a blob go to the index with its events, so a past
// message can be quoted or forwarded like a live one.
func TestHistorySyncIndexesMessages(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	if !c.push(&waEvents.HistorySync{Data: loadBlob(t)}) {
		t.Fatal("history sync handler failed")
	}
	index, err := bridge.NewMessageIndex(e.db)
	if err != nil {
		t.Fatal(err)
	}
	m, err := index.Lookup("default", "true_"+alicePN.String()+"_3EB0HIST0002", alicePN)
	if err != nil {
		t.Fatal(err)
	}
	if !m.FromMe || m.Text != "at 8?" || m.Sender != ownPN.String() {
		t.Fatalf("indexed %+v, want our own text 'at 8?'", m)
	}
}

// A blob the sink cannot keep fails the handler and keeps nothing of it.
func TestHistorySyncSinkFailureKeepsNothing(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	e.sink.setFail(errors.New("outbox down"))
	if c.push(&waEvents.HistorySync{Data: loadBlob(t)}) {
		t.Fatal("handler reported a blob kept that the sink refused")
	}
	if n := len(e.sink.ofType(events.TypeMessageHistory)); n != 0 {
		t.Fatalf("%d message.history kept, want 0", n)
	}
	index, err := bridge.NewMessageIndex(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := index.Lookup("default", "3EB0HIST0003", alicePN); err == nil {
		t.Fatal("a message of the refused blob was indexed")
	}
}
