package chatstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/cenats"
)

// The chats of testdata/dispatched_results.json, the results of a
// dispatcher run (commands' TestResultsTheChatStoreProjects writes it):
// a send to john replying to his message received, a forward of that
// message to team, a read of it, a failed send to nobody.
const (
	john     = "4917612345678@s.whatsapp.net"
	team     = "120363028461234567@g.us"
	nobody   = "4917699999999@s.whatsapp.net"
	ownPN    = "4917600000000@s.whatsapp.net"
	received = "false_" + john + "_3EB0C767"
)

type dispatched struct {
	Subject string
	Event   cloudevent.Event
}

// dispatchedResults reads the fixture; which picks results by command
// ("send.message"), none all of them.
func dispatchedResults(t *testing.T, which ...string) []dispatched {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "dispatched_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []dispatched
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	var out []dispatched
	for _, d := range all {
		for _, w := range which {
			if strings.HasSuffix(d.Subject, ".result."+w) {
				out = append(out, d)
			}
		}
	}
	if len(which) == 0 {
		return all
	}
	return out
}

// publishResults puts results on WA_EVENTS as the outbox does.
func (v *env) publishResults(t *testing.T, rs []dispatched) {
	t.Helper()
	for _, r := range rs {
		msg, err := cenats.NewMsg(r.Subject, r.Event, cenats.Binary)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.js.PublishMsg(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
}

// connected is the session.connected that names the account's number.
func connected() events.Event {
	return events.Event{Type: events.TypeSessionConnected, Key: "c1", Data: events.SessionState{
		State: "connected", Seq: 1, JID: &events.JID{JID: "4917600000000:7@s.whatsapp.net", LID: "1234:7@lid"},
	}}
}

func chatOf(t *testing.T, s *chatstore.Store, jid string) (chatview.Chat, bool) {
	t.Helper()
	page, err := s.ListChats(context.Background(), session, chatview.ChatQuery{Limit: chatview.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Chats {
		if c.JID == jid {
			return c, true
		}
	}
	return chatview.Chat{}, false
}

func newestMessage(t *testing.T, s *chatstore.Store, chat string) chatview.Message {
	t.Helper()
	mp, err := s.Messages(context.Background(), session, chat, chatview.MessageQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(mp.Messages) == 0 {
		t.Fatalf("no messages in %s", chat)
	}
	return mp.Messages[0]
}

// receivedFromJohn is the message the fixture's send replies to and its
// forward sends on.
// It is older than the fixture's send (2025-01-02).
func receivedFromJohn() events.Event {
	e := msg(events.TypeMessageReceived, john, john, "3EB0C767", 0, "Dinner tonight?")
	m := e.Data.(events.MessageReceived)
	m.Timestamp = time.Date(2025, 1, 1, 20, 0, 0, 0, time.UTC)
	e.Time, e.Data = m.Timestamp, m
	return e
}

func TestSentResultsBecomeMessagesFromMe(t *testing.T) {
	v := newEnv(t)
	v.publish(t, connected())
	v.publish(t, receivedFromJohn())
	v.publishResults(t, dispatchedResults(t, "send.message", "message.forward"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")

	c, ok := chatOf(t, s, john)
	// The send moves the last message and leaves the unread count alone.
	if !ok || c.LastMessage != "See you at 8, @4915112345678" || c.UnreadCount != 1 {
		t.Errorf("john's chat = %+v", c)
	}
	m := newestMessage(t, s, john)
	wantQuoted := chatview.Quoted{ID: received, WAID: "3EB0C767", Sender: john, Text: "Dinner tonight?"}
	if m.ID != "true_"+john+"_3EB0B" || !m.FromMe || m.From != ownPN || m.Type != "text" ||
		m.Message != "See you at 8, @4915112345678" || m.Quoted == nil || *m.Quoted != wantQuoted {
		t.Errorf("sent message = %+v (quoted %+v)", m, m.Quoted)
	}
	// The forward is a new chat with the forwarded message's content.
	g, ok := chatOf(t, s, team)
	if !ok || !g.IsGroup || g.LastMessage != "Dinner tonight?" || g.UnreadCount != 0 {
		t.Errorf("team's chat = %+v", g)
	}
	if f := newestMessage(t, s, team); f.ID != "true_"+team+"_3EB0FWD" || !f.FromMe || f.From != ownPN ||
		f.Type != "text" || f.Message != "Dinner tonight?" {
		t.Errorf("forwarded message = %+v", f)
	}
}

func TestFailedSendChangesNothing(t *testing.T) {
	v := newEnv(t)
	v.publishResults(t, dispatchedResults(t, "send.message"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	if c, ok := chatOf(t, s, nobody); ok {
		t.Errorf("a failed send made a chat: %+v", c)
	}
	if _, ok := chatOf(t, s, john); !ok {
		t.Error("the successful send made no chat")
	}
}

// Before any session event named the account's number, a sent message's
// from is "me" (chatstore.SenderMe).
func TestSentResultWithoutKnownAccountIsFromMe(t *testing.T) {
	v := newEnv(t)
	v.publishResults(t, dispatchedResults(t, "send.message"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	if m := newestMessage(t, s, john); m.From != chatstore.SenderMe || !m.FromMe {
		t.Errorf("sent message = %+v", m)
	}
	// Its reply names the message replied to even though the store never saw it.
	if m := newestMessage(t, s, john); m.Quoted == nil || m.Quoted.ID != received || m.Quoted.WAID != "3EB0C767" {
		t.Errorf("quoted = %+v", m.Quoted)
	}
}

func TestReadResultClearsUnreadCount(t *testing.T) {
	v := newEnv(t)
	v.publish(t, receivedFromJohn())
	v.publish(t, msg(events.TypeMessageReceived, john, john, "3EB0C768", 1, "Or lunch?"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	if c, _ := chatOf(t, s, john); c.UnreadCount != 2 {
		t.Fatalf("unread before the read = %d", c.UnreadCount)
	}
	v.publishResults(t, dispatchedResults(t, "message.read"))
	catchUp(t, s, v, "")
	if c, _ := chatOf(t, s, john); c.UnreadCount != 0 {
		t.Errorf("unread after the read = %d", c.UnreadCount)
	}
	// A message received after the read counts again.
	v.publish(t, msg(events.TypeMessageReceived, john, john, "3EB0C769", 2, "?"))
	catchUp(t, s, v, "")
	if c, _ := chatOf(t, s, john); c.UnreadCount != 1 {
		t.Errorf("unread after a later message = %d", c.UnreadCount)
	}
}

// The results published again (new sequences, same ids) change nothing,
// and a rebuild gives the same answers.
func TestResultsApplyOnce(t *testing.T) {
	v := newEnv(t)
	v.publish(t, connected())
	v.publish(t, receivedFromJohn())
	v.publishResults(t, dispatchedResults(t))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	before := answers(t, s)
	v.publish(t, msg(events.TypeMessageReceived, john, john, "3EB0C768", 1, "Or lunch?"))
	v.publishResults(t, dispatchedResults(t))
	catchUp(t, s, v, "")
	if c, _ := chatOf(t, s, john); c.UnreadCount != 1 {
		t.Errorf("a repeated read result cleared a later message's unread count: %d", c.UnreadCount)
	}
	if err := s.Rebuild(context.Background(), v.js, chatstore.ProjectConfig{Sessions: []string{session}}); err != nil {
		t.Fatal(err)
	}
	again := answers(t, s)
	if c, _ := chatOf(t, s, john); c.UnreadCount != 1 || !strings.Contains(again, "3EB0C768") {
		t.Errorf("after rebuild: unread %d\n%s", c.UnreadCount, again)
	}
	if strings.Count(again, "true_"+john+"_3EB0B") != strings.Count(before, "true_"+john+"_3EB0B") {
		t.Errorf("sent message repeated:\nbefore %s\nafter %s", before, again)
	}
}

// A store that an older projection built (version 1: its consumer took
// events only, so results lie unapplied before its position) is rebuilt
// from the stream at start, results included.
func TestStoreOfOlderProjectionIsRebuilt(t *testing.T) {
	v := newEnv(t)
	dir := t.TempDir()
	v.publish(t, receivedFromJohn())
	s := openStore(t, dir)
	catchUp(t, s, v, "")
	v.publishResults(t, dispatchedResults(t, "send.message", "message.read"))
	info, err := v.js.Stream(context.Background(), v.subj.EventsStream())
	if err != nil {
		t.Fatal(err)
	}
	last := info.CachedInfo().State.LastSeq
	s.Close()
	// What the older program left: its position past the results it did
	// not take, and its consumer filtering events only.
	db, err := sql.Open("sqlite", filepath.Join(dir, chatstore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE projector_position SET stream_seq = $1, version = 1`, int64(last)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := v.js.UpdateConsumer(context.Background(), v.subj.EventsStream(), jetstream.ConsumerConfig{
		Durable: chatstore.DefaultDurable, AckPolicy: jetstream.AckAllPolicy,
		FilterSubjects: []string{v.subj.All("evt")},
	}); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	catchUp(t, s, v, "")
	c, ok := chatOf(t, s, john)
	if !ok || c.LastMessage != "See you at 8, @4915112345678" || c.UnreadCount != 0 {
		t.Errorf("john's chat after the upgrade = %+v", c)
	}
}
