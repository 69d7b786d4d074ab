package chatstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

const (
	carol = "4917633333333@s.whatsapp.net"
	dave  = "4917644444444@s.whatsapp.net"
)

// pushed is a received message whose sender has the push name name.
func pushed(chat, waID string, sec int, text, name string) events.Event {
	e := msg(events.TypeMessageReceived, chat, chat, waID, sec, text)
	m := e.Data.(events.MessageReceived)
	m.PushName = name
	e.Data = m
	return e
}

func contactNamed(jid, key string, c events.ContactUpdated) events.Event {
	c.Contact = events.JID{JID: jid}
	return events.Event{Type: events.TypeContactUpdated, Subject: jid, Key: jid + "|" + key, Data: c}
}

// batchScenario is one transaction's worth of events whose chat and
// contact changes the projector gathers per chat and contact: messages out
// of time order, two of the same time, reads and name changes between
// messages, a repeated event.
func batchScenario(t *testing.T, v *env) {
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 10, "first"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A2", 5, "older, later in the stream"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A3", 10, "same time, later in the stream"))
	v.publish(t, chatUpdate(alice, "read", events.ChatUpdated{Read: ptr(true)}))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A4", 3, "oldest, after the read"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 10, "first"))
	v.publish(t, msg(events.TypeMessageHistory, bob, bob, "B2", 50, "history, newest"))
	v.publish(t, pushed(bob, "B1", 40, "bob one", "Bob One"))
	v.publish(t, pushed(bob, "B3", 30, "bob two", "Bob Two"))
	v.publish(t, contactNamed(carol, "set", events.ContactUpdated{PushName: "Carol Set"}))
	v.publish(t, pushed(carol, "C1", 60, "carol", "Carol Msg"))
	v.publish(t, pushed(dave, "D1", 70, "dave", "Dave Msg"))
	v.publish(t, contactNamed(dave, "set", events.ContactUpdated{PushName: "Dave Set"}))
	v.publish(t, msg(events.TypeMessageSent, dave, "4917600000000@s.whatsapp.net", "D2", 65, "sent, older"))
	// Actions on messages of the same batch: the edit of dave's last
	// message finds the chat as the messages before it left it.
	v.publish(t, editBy(dave, dave, "DE1", "false_"+dave+"_D1", "dave, edited", 71))
	v.publish(t, reactionBy(bob, carol, "BR1", "false_"+bob+"_B1", "👍", 72))
	v.publish(t, revokeBy(bob, bob, "BV1", "false_"+bob+"_B3", 73))
	v.publish(t, pushed(carol, "C2", 80, "carol again", "Carol Msg"))
	v.publish(t, editBy(carol, carol, "CE1", "false_"+carol+"_C2", "carol again, edited", 81))
}

func catchUpBatch(t *testing.T, s *chatstore.Store, v *env, batch int) {
	t.Helper()
	p, err := s.NewProjector(v.js, chatstore.ProjectConfig{Sessions: []string{session}, Durable: "batch", Batch: batch})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBatchAppliesAsOneByOne: a store fed the events in one transaction
// answers as one fed them one transaction each, and as stream order says.
func TestBatchAppliesAsOneByOne(t *testing.T) {
	v := newEnv(t)
	batchScenario(t, v)
	one := openStore(t, t.TempDir())
	catchUpBatch(t, one, v, 1)
	all := openStore(t, t.TempDir())
	catchUpBatch(t, all, v, 256)
	if a, b := answers(t, all), answers(t, one); a != b {
		t.Fatalf("one batch:\n%s\none event per batch:\n%s", a, b)
	}
	page, err := all.ListChats(context.Background(), session, chatview.ChatQuery{})
	if err != nil {
		t.Fatal(err)
	}
	chats := map[string]chatview.Chat{}
	for _, c := range page.Chats {
		chats[c.JID] = c
	}
	want := map[string]struct {
		name, last string
		sec        int
		unread     int
	}{
		alice: {"Push 4917", "same time, later in the stream", 10, 1},
		bob:   {"Bob Two", "history, newest", 50, 2},
		carol: {"Carol Msg", "carol again, edited", 80, 2},
		dave:  {"Dave Set", "dave, edited", 70, 1},
	}
	if len(chats) != len(want) {
		t.Fatalf("chats = %+v", page.Chats)
	}
	for jid, w := range want {
		c := chats[jid]
		if c.Name != w.name || c.LastMessage != w.last || !c.LastMessageTime.Equal(t0.Add(time.Duration(w.sec)*time.Second)) ||
			c.UnreadCount != w.unread {
			t.Errorf("chat %s = %+v, want %+v", jid, c, w)
		}
	}
}

// TestLargeBatchAppliesAsOneByOne: a batch large enough to be read on
// several goroutines, of messages in a few chats whose times go back and
// forth, gives the store that one event per transaction gives.
func TestLargeBatchAppliesAsOneByOne(t *testing.T) {
	v := newEnv(t)
	chats := []string{alice, bob, group}
	for i := range 400 {
		typ := events.TypeMessageReceived
		if i%7 == 0 {
			typ = events.TypeMessageHistory
		}
		// Times repeat and go back: 0..96 in steps of 7 mod 97.
		v.publish(t, msg(typ, chats[i%len(chats)], alice, fmt.Sprintf("L%d", i), (i*7)%97, fmt.Sprintf("text %d", i)))
		if i%150 == 149 {
			v.publish(t, chatUpdate(chats[i%len(chats)], fmt.Sprint("read", i), events.ChatUpdated{Read: ptr(true)}))
		}
	}
	one := openStore(t, t.TempDir())
	catchUpBatch(t, one, v, 1)
	all := openStore(t, t.TempDir())
	catchUpBatch(t, all, v, 1024)
	if a, b := answers(t, all), answers(t, one); a != b {
		t.Fatalf("one batch:\n%s\none event per batch:\n%s", a, b)
	}
}
