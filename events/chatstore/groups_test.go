package chatstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatview"
)

const groupJID = "120363028461234567@g.us"

var (
	gAna = events.JID{JID: "100000000000042@lid", PN: "4917612345678@s.whatsapp.net", LID: "100000000000042@lid"}
	gBob = events.JID{JID: "4915200000002@s.whatsapp.net", PN: "4915200000002@s.whatsapp.net"}
	gMe  = events.JID{JID: "4915100000001@s.whatsapp.net", PN: "4915100000001@s.whatsapp.net"}
)

func groupEvent(typ, key string, sec int, data any) events.Event {
	return events.Event{Type: typ, Subject: groupJID, Time: t0.Add(timeSec(sec)), Key: groupJID + "|" + key, Data: data}
}

func joinedGroup() events.Event {
	return groupEvent(events.TypeGroupJoined, "joined", 0, events.GroupJoined{
		Group: events.Group{
			JID: events.JID{JID: groupJID}, Name: "Dinner club", Topic: "First Fridays", Owner: &gAna,
			Locked: true, EphemeralSeconds: 86400,
			Participants: []events.GroupMember{{JID: gAna, IsAdmin: true, IsSuperAdmin: true}, {JID: gMe}},
		},
		How: events.JoinedByAdd, By: &gAna, Timestamp: t0,
	})
}

func participants(key string, sec int, action string, who ...events.JID) events.Event {
	return groupEvent(events.TypeGroupParticipantsChanged, key, sec, events.GroupParticipantsChanged{
		Group: events.JID{JID: groupJID}, Action: action, Participants: who, By: &gAna, Timestamp: t0.Add(timeSec(sec)),
	})
}

// The store keeps a group from group.joined, its settings from
// group.updated (only what changed) and its members and their admin flags
// from group.participants.changed, a member found by either JID form;
// GET /chats names the group's chat. Every event is applied once: the
// stream redelivering the add after the removal does not bring Bob back.
func TestStoreKeepsGroupsFromTheirEvents(t *testing.T) {
	v := newEnv(t)
	name, unlocked, timerOff := "Supper club", false, uint32(0)
	add := participants("add-bob", 3, events.ParticipantsAdded, gBob)
	for _, e := range []events.Event{
		joinedGroup(),
		groupEvent(events.TypeGroupUpdated, "name", 1, events.GroupUpdated{
			Group: events.JID{JID: groupJID}, By: &gAna, Name: &name, Locked: &unlocked, EphemeralSeconds: &timerOff,
			Topic: &events.GroupTopicChange{Text: "Second Fridays", ID: "X1"}, Timestamp: t0}),
		groupEvent(events.TypeGroupUpdated, "photo", 2, events.GroupUpdated{
			Group: events.JID{JID: groupJID}, Photo: &events.GroupPhotoChange{PictureID: "1700000100"}, Timestamp: t0}),
		add,
		participants("promote-bob", 4, events.ParticipantsPromoted, gBob),
		// Ana named by her phone number only: still the same member.
		participants("demote-ana", 5, events.ParticipantsDemoted, events.JID{JID: gAna.PN, PN: gAna.PN}),
		participants("me-left", 6, events.ParticipantsLeft, gMe),
		participants("remove-bob", 7, events.ParticipantsRemoved, gBob),
		add, // redelivered after the dedup window
	} {
		v.publish(t, e)
	}
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "groups")
	g, err := s.Group(context.Background(), session, groupJID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != name || g.Topic != "Second Fridays" || g.Locked || g.EphemeralSeconds != 0 || g.PictureID != "1700000100" || g.Announce {
		t.Fatalf("group %+v", g)
	}
	want := []events.GroupMember{{JID: gAna}}
	if len(g.Members) != len(want) {
		t.Fatalf("members %+v, want %+v", g.Members, want)
	}
	for i, m := range g.Members {
		if m != want[i] {
			t.Fatalf("member %d %+v, want %+v", i, m, want[i])
		}
	}
	page, err := s.ListChats(context.Background(), session, chatview.ChatQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Chats) != 1 || page.Chats[0].JID != groupJID || page.Chats[0].Name != name || !page.Chats[0].IsGroup {
		t.Fatalf("chats %+v", page.Chats)
	}
}

// Joining again replaces the members kept from before; a change of a
// group the store never saw joined still keeps what it says.
func TestGroupJoinedAgainReplacesMembers(t *testing.T) {
	v := newEnv(t)
	other := "120363000000000099@g.us"
	locked := true
	again := joinedGroup()
	again.Key += "|again"
	d := again.Data.(events.GroupJoined)
	d.Group.Participants = []events.GroupMember{{JID: gBob, IsAdmin: true}}
	again.Data = d
	for _, e := range []events.Event{
		joinedGroup(), participants("add-bob", 1, events.ParticipantsAdded, gBob), again,
		{Type: events.TypeGroupUpdated, Subject: other, Time: t0, Key: other + "|locked",
			Data: events.GroupUpdated{Group: events.JID{JID: other}, Locked: &locked, Timestamp: t0}},
	} {
		v.publish(t, e)
	}
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "groups")
	g, err := s.Group(context.Background(), session, groupJID)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Members) != 1 || g.Members[0].JID != gBob || !g.Members[0].IsAdmin {
		t.Fatalf("members %+v, want Bob alone, admin", g.Members)
	}
	o, err := s.Group(context.Background(), session, other)
	if err != nil || !o.Locked {
		t.Fatalf("group never joined: %+v, %v", o, err)
	}
	if _, err := s.Group(context.Background(), session, "120363000000000098@g.us"); err != chatview.ErrChatNotFound {
		t.Fatalf("unknown group: %v, want ErrChatNotFound", err)
	}
}

func timeSec(sec int) time.Duration { return time.Duration(sec) * time.Second }

// A store that began after the join learns members from their changes: a
// member promoted or demoted whom it has not seen added is a member, with
// the flag the change gives.
func TestPromotedMemberUnknownToTheStoreIsKept(t *testing.T) {
	v := newEnv(t)
	other := "120363000000000097@g.us"
	promote := participants("promote-bob", 1, events.ParticipantsPromoted, gBob)
	promote.Subject, promote.Key = other, other+"|promote-bob"
	d := promote.Data.(events.GroupParticipantsChanged)
	d.Group = events.JID{JID: other}
	promote.Data = d
	demote := participants("demote-ana", 2, events.ParticipantsDemoted, gAna)
	demote.Subject, demote.Key = other, other+"|demote-ana"
	d = demote.Data.(events.GroupParticipantsChanged)
	d.Group = events.JID{JID: other}
	demote.Data = d
	v.publish(t, promote)
	v.publish(t, demote)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "groups")
	g, err := s.Group(context.Background(), session, other)
	if err != nil {
		t.Fatal(err)
	}
	want := []events.GroupMember{{JID: gAna}, {JID: gBob, IsAdmin: true}}
	if len(g.Members) != 2 || g.Members[0] != want[0] || g.Members[1] != want[1] {
		t.Fatalf("members %+v, want %+v", g.Members, want)
	}
}
