package chatstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

const (
	alice = "4917611111111@s.whatsapp.net"
	bob   = "4917622222222@s.whatsapp.net"
	group = "120363025246125888@g.us"
)

// scenario publishes a small history: received, sent, history messages, a
// group, chat state changes and a contact's names.
func scenario(t *testing.T, v *env) {
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 10, "hi"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A2", 20, "there"))
	v.publish(t, msg(events.TypeMessageSent, alice, "4917600000000@s.whatsapp.net", "A3", 30, "hello back"))
	v.publish(t, msg(events.TypeMessageHistory, alice, alice, "A0", 5, "long ago"))
	v.publish(t, msg(events.TypeMessageReceived, group, bob, "G1", 40, "group hi"))
	v.publish(t, msg(events.TypeMessageHistory, bob, bob, "B1", 1, "old"))
	v.publish(t, chatUpdate(bob, "pin", events.ChatUpdated{Pinned: ptr(true), Muted: ptr(true)}))
	v.publish(t, chatUpdate(group, "name", events.ChatUpdated{Name: "Team", Archived: ptr(true)}))
	v.publish(t, events.Event{Type: events.TypeContactUpdated, Subject: alice, Key: alice + "|names",
		Data: events.ContactUpdated{Contact: events.JID{JID: alice}, FullName: "Alice Doe"}})
	v.publish(t, events.Event{Type: events.TypeSessionConnected, Key: "c1", Data: events.SessionState{State: "connected", Seq: 1}})
}

func TestProjectionAppliesEvents(t *testing.T) {
	v := newEnv(t)
	scenario(t, v)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	page, err := s.ListChats(context.Background(), session, chatview.ChatQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Chats) != 3 {
		t.Fatalf("chats = %+v", page.Chats)
	}
	pinned, g, a := page.Chats[0], page.Chats[1], page.Chats[2]
	if pinned.JID != bob || !pinned.Pinned || pinned.MutedUntil == nil || !pinned.MutedUntil.Equal(chatview.MutedForever) ||
		pinned.UnreadCount != 0 || pinned.Name != "Push 4917" {
		t.Errorf("pinned chat = %+v", pinned)
	}
	// Received messages count as unread; sent and history ones do not.
	if a.JID != alice || a.Name != "Alice Doe" || a.UnreadCount != 2 || a.LastMessage != "hello back" ||
		!a.LastMessageTime.Equal(t0.Add(30*time.Second)) {
		t.Errorf("alice's chat = %+v", a)
	}
	if g.JID != group || g.Name != "Team" || !g.IsGroup || !g.Archived || g.UnreadCount != 1 {
		t.Errorf("group chat = %+v", g)
	}
	mp, err := s.Messages(context.Background(), session, alice, chatview.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mp.Messages {
		got = append(got, m.ID)
	}
	want := []string{"true_" + alice + "_A3", "false_" + alice + "_A2", "false_" + alice + "_A1", "false_" + alice + "_A0"}
	if len(got) != len(want) || got[0] != want[0] || got[3] != want[3] || mp.NextCursor != "" {
		t.Errorf("messages = %v, want %v", got, want)
	}
	if m := mp.Messages[0]; !m.FromMe || m.Message != "hello back" || m.Type != "text" {
		t.Errorf("newest message = %+v", m)
	}
}

func TestReadStateChanges(t *testing.T) {
	v := newEnv(t)
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 10, "hi"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A2", 20, "hi"))
	s := openStore(t, t.TempDir())
	unread := func() int {
		t.Helper()
		catchUp(t, s, v, "")
		p, err := s.ListChats(context.Background(), session, chatview.ChatQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Chats[0].UnreadCount
	}
	v.publish(t, chatUpdate(alice, "read1", events.ChatUpdated{Read: ptr(true)}))
	if n := unread(); n != 0 {
		t.Errorf("after read: unread %d", n)
	}
	v.publish(t, chatUpdate(alice, "unread1", events.ChatUpdated{Read: ptr(false)}))
	if n := unread(); n != 1 {
		t.Errorf("after marked unread: unread %d", n)
	}
	v.publish(t, chatUpdate(alice, "sync", events.ChatUpdated{UnreadCount: ptr(7)}))
	if n := unread(); n != 7 {
		t.Errorf("after a sync's count: unread %d", n)
	}
	v.publish(t, chatUpdate(alice, "unread2", events.ChatUpdated{Read: ptr(false)}))
	if n := unread(); n != 7 {
		t.Errorf("marked unread keeps a higher count: unread %d", n)
	}
}

// The same events published again (new stream sequences, same ids) change
// nothing: neither unread counts nor message lists.
func TestProjectionIgnoresRepeatedEvents(t *testing.T) {
	v := newEnv(t)
	scenario(t, v)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	before := answers(t, s)
	scenario(t, v)
	catchUp(t, s, v, "")
	if after := answers(t, s); after != before {
		t.Errorf("repeated events changed the store:\nbefore %s\nafter  %s", before, after)
	}
}

// A second consumer reading the stream from its start over the same store
// applies nothing twice.
func TestProjectionReplayFromStart(t *testing.T) {
	v := newEnv(t)
	scenario(t, v)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	before := answers(t, s)
	catchUp(t, s, v, "replayer")
	if after := answers(t, s); after != before {
		t.Errorf("a replay changed the store:\nbefore %s\nafter  %s", before, after)
	}
	fresh := openStore(t, t.TempDir())
	catchUp(t, fresh, v, "")
	if got := answers(t, fresh); got != before {
		t.Errorf("a fresh store differs:\nwant %s\ngot  %s", before, got)
	}
}

func TestRebuildGivesSameAnswers(t *testing.T) {
	v := newEnv(t)
	scenario(t, v)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	before := answers(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Rebuild(ctx, v.js, chatstore.ProjectConfig{Sessions: []string{session}}); err != nil {
		t.Fatal(err)
	}
	if after := answers(t, s); after != before {
		t.Errorf("rebuild changed the answers:\nbefore %s\nafter  %s", before, after)
	}
	// Projection goes on after a rebuild from where it stopped.
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A9", 90, "new"))
	catchUp(t, s, v, "")
	mp, err := s.Messages(ctx, session, alice, chatview.MessageQuery{Limit: 1})
	if err != nil || mp.Messages[0].Message != "new" {
		t.Errorf("after rebuild: %+v %v", mp, err)
	}
}

// A store file lost while its consumer lives on is filled again from the
// stream's start, not from where the consumer was.
func TestLostStoreIsRefilled(t *testing.T) {
	v := newEnv(t)
	scenario(t, v)
	dir := t.TempDir()
	s := openStore(t, dir)
	catchUp(t, s, v, "")
	before := answers(t, s)
	s.Close()
	for _, f := range []string{"chats.db", "chats.db-wal", "chats.db-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	s = openStore(t, dir)
	catchUp(t, s, v, "")
	if got := answers(t, s); got != before {
		t.Errorf("refilled store differs:\nwant %s\ngot  %s", before, got)
	}
}

// Events of other sessions, of kinds the store does not keep, and with
// data it cannot read are passed over; what follows them is applied.
func TestProjectionSkipsWhatItDoesNotKeep(t *testing.T) {
	v := newEnv(t)
	other := msg(events.TypeMessageReceived, bob, bob, "X1", 1, "other session")
	other.Session = "other"
	v.publish(t, other)
	bad := msg(events.TypeMessageReceived, bob, bob, "", 2, "no id")
	v.publish(t, bad)
	v.publish(t, events.Event{Type: events.TypeSessionConnected, Key: "c", Data: events.SessionState{State: "connected", Seq: 1}})
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 3, "kept"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	page, err := s.ListChats(context.Background(), session, chatview.ChatQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Chats) != 1 || page.Chats[0].JID != alice {
		t.Errorf("chats = %+v", page.Chats)
	}
	if p, err := s.ListChats(context.Background(), "other", chatview.ChatQuery{}); err != nil || len(p.Chats) != 0 {
		t.Errorf("other session's chats = %+v, %v", p.Chats, err)
	}
}

func TestMigrationsRerunSafely(t *testing.T) {
	dir := t.TempDir()
	v := newEnv(t)
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 3, "kept"))
	s := openStore(t, dir)
	catchUp(t, s, v, "")
	s.Close()
	for range 2 {
		s = openStore(t, dir)
		if p, err := s.ListChats(context.Background(), session, chatview.ChatQuery{}); err != nil || len(p.Chats) != 1 {
			t.Fatalf("after reopening: %+v, %v", p, err)
		}
		s.Close()
	}
}

// A chat change delivered again after a later one (a redelivery past the
// stream's dedup window) does not undo the later one: applied ids are kept.
func TestProjectionIgnoresLateRepeatOfChatChange(t *testing.T) {
	v := newEnv(t)
	archive := chatUpdate(alice, "a1", events.ChatUpdated{Archived: ptr(true)})
	v.publish(t, archive)
	v.publish(t, chatUpdate(alice, "a2", events.ChatUpdated{Archived: ptr(false)}))
	v.publish(t, archive)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	page, err := s.ListChats(context.Background(), session, chatview.ChatQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Chats) != 1 || page.Chats[0].Archived {
		t.Errorf("chats = %+v, want alice unarchived", page.Chats)
	}
}
