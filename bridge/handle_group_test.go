package bridge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

// bobLID is the LID of poll_vote_test.go's bobPN.
var bobLID = types.NewJID("100000000000077", types.HiddenUserServer)

// groupOfThree is a group as whatsmeow's group node parser gives it: the
// owner (Alice) superadmin, this account admin, Bob a member.
func groupOfThree() types.GroupInfo {
	return types.GroupInfo{
		JID: group, OwnerJID: aliceLID, OwnerPN: alicePN,
		GroupName:      types.GroupName{Name: "Dinner club", NameSetAt: fixedTime, NameSetBy: aliceLID},
		GroupTopic:     types.GroupTopic{Topic: "First Fridays", TopicID: "AB12CD34", TopicSetAt: fixedTime},
		GroupLocked:    types.GroupLocked{IsLocked: true},
		GroupEphemeral: types.GroupEphemeral{IsEphemeral: true, DisappearingTimer: 86400},
		AddressingMode: types.AddressingModeLID, GroupCreated: fixedTime.Add(-time.Hour),
		ParticipantVersionID: "1700000001",
		Participants: []types.GroupParticipant{
			{JID: aliceLID, PhoneNumber: alicePN, IsAdmin: true, IsSuperAdmin: true},
			{JID: ownLID, PhoneNumber: ownPN, IsAdmin: true},
			{JID: bobLID, PhoneNumber: bobPN},
		},
	}
}

// JoinedGroup in its three forms (created here, added by an admin, joined
// by link), whatsmeow's GroupInfo changes of settings and members, and
// pictures of a user and a group become group.joined, group.updated,
// group.participants.changed and picture.updated; a push name change
// becomes contact.updated with the old name.
func TestGroupEventsTranslations(t *testing.T) {
	now := fixedTime.Add(2 * time.Second)
	var es []events.Event
	joined := func(evt *waEvents.JoinedGroup) {
		e, ok := bridge.GroupJoinedEvent("default", ownPN, ownLID, evt, now)
		if !ok {
			t.Fatalf("%+v has no event", evt)
		}
		es = append(es, e)
	}
	own := ownLID
	created := &waEvents.JoinedGroup{Type: "new", CreateKey: "3EB0AAAA", Sender: &own, SenderPN: &ownPN, GroupInfo: groupOfThree()}
	joined(created)
	added := &waEvents.JoinedGroup{Sender: &aliceLID, SenderPN: &alicePN, GroupInfo: groupOfThree()}
	added.ParticipantVersionID = "1700000002"
	joined(added)
	byLink := &waEvents.JoinedGroup{Reason: "invite", GroupInfo: groupOfThree()}
	byLink.ParticipantVersionID = "1700000003"
	joined(byLink)

	link := "https://chat.whatsapp.com/NewCode123"
	for _, evt := range []*waEvents.GroupInfo{
		{JID: group, Sender: &aliceLID, SenderPN: &alicePN, Timestamp: fixedTime,
			Name:   &types.GroupName{Name: "Supper club", NameSetAt: fixedTime, NameSetBy: aliceLID},
			Topic:  &types.GroupTopic{Topic: "Second Fridays", TopicID: "EF56GH78", TopicSetAt: fixedTime, TopicSetBy: aliceLID},
			Locked: &types.GroupLocked{IsLocked: false}},
		{JID: group, Sender: &aliceLID, Timestamp: fixedTime.Add(time.Minute),
			Announce:  &types.GroupAnnounce{IsAnnounce: true, AnnounceVersionID: "v2"},
			Ephemeral: &types.GroupEphemeral{IsEphemeral: false}, NewInviteLink: &link},
		{JID: group, Sender: &aliceLID, Timestamp: fixedTime.Add(2 * time.Minute), Topic: &types.GroupTopic{TopicID: "IJ90", TopicDeleted: true}},
		// Members: an admin adds and promotes in one notification; Bob
		// leaves by himself; an admin removes two.
		{JID: group, Sender: &aliceLID, Timestamp: fixedTime.Add(3 * time.Minute), ParticipantVersionID: "1700000010",
			Join: []types.JID{bobLID}, Promote: []types.JID{bobLID}},
		{JID: group, Sender: &bobLID, Timestamp: fixedTime.Add(4 * time.Minute), ParticipantVersionID: "1700000011", Leave: []types.JID{bobLID}},
		{JID: group, Sender: &aliceLID, Timestamp: fixedTime.Add(5 * time.Minute), ParticipantVersionID: "1700000012",
			Leave: []types.JID{bobLID, ownLID}, Demote: []types.JID{ownLID}},
		// Joined by link: no sender.
		{JID: group, Timestamp: fixedTime.Add(6 * time.Minute), JoinReason: "invite", ParticipantVersionID: "1700000013", Join: []types.JID{bobPN}},
	} {
		got := bridge.GroupInfoEvents("default", evt)
		if len(got) == 0 {
			t.Fatalf("%+v has no events", evt)
		}
		es = append(es, got...)
	}
	if got := bridge.GroupInfoEvents("default", &waEvents.GroupInfo{JID: group, Timestamp: fixedTime}); len(got) != 0 {
		t.Fatalf("a notification of nothing known became %d events", len(got))
	}
	for _, evt := range []*waEvents.Picture{
		{JID: alicePN, Author: alicePN, Timestamp: fixedTime, PictureID: "1700000100"},
		{JID: group, Author: aliceLID, Timestamp: fixedTime.Add(time.Minute), Remove: true},
	} {
		es = append(es, bridge.PictureEvents("default", evt)...)
	}
	push, ok := bridge.PushNameEvent("default", &waEvents.PushName{JID: alicePN, JIDAlt: aliceLID,
		Message: &types.MessageInfo{Timestamp: fixedTime}, OldPushName: "Al", NewPushName: "Alice"})
	if !ok {
		t.Fatal("push name change has no event")
	}
	es = append(es, push)
	goldenEvents(t, "group_events", es)

	hows := []string{}
	for _, e := range es[:3] {
		hows = append(hows, e.Data.(events.GroupJoined).How)
	}
	if hows[0] != events.JoinedByCreate || hows[1] != events.JoinedByAdd || hows[2] != events.JoinedByInvite {
		t.Fatalf("joined how %v, want create, add, invite", hows)
	}
	ids := map[string]bool{}
	for _, e := range es {
		id := events.EventID(e.Session, e.Type, e.Key)
		if ids[id] {
			t.Fatalf("two events share id %s (%s %s)", id, e.Type, e.Key)
		}
		ids[id] = true
	}
}

// The same notification delivered again has the same event ids; the
// session keeps every event of one notification.
func TestGroupEventsThroughTheSession(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	evt := &waEvents.GroupInfo{JID: group, Sender: &aliceLID, Timestamp: fixedTime, ParticipantVersionID: "9",
		Name: &types.GroupName{Name: "Supper club"}, Join: []types.JID{bobLID}, Leave: []types.JID{alicePN}}
	for range 2 {
		if !c.push(evt) {
			t.Fatal("group change not handled")
		}
	}
	updated, changed := e.sink.ofType(events.TypeGroupUpdated), e.sink.ofType(events.TypeGroupParticipantsChanged)
	if len(updated) != 2 || len(changed) != 4 {
		t.Fatalf("%d group.updated and %d group.participants.changed, want 2 and 4", len(updated), len(changed))
	}
	if updated[0].Key != updated[1].Key || changed[0].Key != changed[2].Key || changed[1].Key != changed[3].Key {
		t.Fatal("a redelivered notification got new keys")
	}
	if !c.push(&waEvents.JoinedGroup{Type: "new", Sender: &aliceLID, GroupInfo: groupOfThree()}) {
		t.Fatal("joined group not handled")
	}
	j := e.sink.ofType(events.TypeGroupJoined)
	if len(j) != 1 || j[0].Subject != group.String() || j[0].Data.(events.GroupJoined).How != events.JoinedByAdd {
		t.Fatalf("group.joined %+v", j)
	}
}

// WhatsApp dates group notifications to the second: changes of the same
// kind within one second (two renames, announce switched on, off and on
// again, the photo removed by two admins) are each their own event, not
// taken for redeliveries of the first and dropped by the stream's
// deduplication. The same notification again keeps its id.
func TestGroupChangesWithinOneSecondKeepTheirIDs(t *testing.T) {
	at := fixedTime // whatsmeow's "t": whole seconds
	name := func(n string) *waEvents.GroupInfo {
		return &waEvents.GroupInfo{JID: group, Sender: &aliceLID, SenderPN: &alicePN, Timestamp: at,
			Name: &types.GroupName{Name: n, NameSetAt: at, NameSetBy: aliceLID}}
	}
	announce := func(on bool, version string) *waEvents.GroupInfo {
		return &waEvents.GroupInfo{JID: group, Sender: &aliceLID, Timestamp: at,
			Announce: &types.GroupAnnounce{IsAnnounce: on, AnnounceVersionID: version}}
	}
	topic := func(text, id string) *waEvents.GroupInfo {
		return &waEvents.GroupInfo{JID: group, Sender: &aliceLID, Timestamp: at,
			Topic: &types.GroupTopic{Topic: text, TopicID: id, TopicSetAt: at, TopicSetBy: aliceLID}}
	}
	locked := func(by *types.JID) *waEvents.GroupInfo {
		return &waEvents.GroupInfo{JID: group, Sender: by, Timestamp: at, Locked: &types.GroupLocked{IsLocked: true}}
	}
	var es []events.Event
	for _, evt := range []*waEvents.GroupInfo{
		name("Supper club"), name("Dinner club"),
		announce(true, "1700000001"), announce(false, "1700000002"), announce(true, "1700000003"),
		topic("First Fridays", "AB12"), topic("Second Fridays", "CD34"),
		locked(&aliceLID), locked(&bobLID),
	} {
		es = append(es, bridge.GroupInfoEvents("default", evt)...)
	}
	for _, evt := range []*waEvents.Picture{
		{JID: group, Author: aliceLID, Timestamp: at, PictureID: "1700000100"},
		{JID: group, Author: aliceLID, Timestamp: at, Remove: true},
		{JID: group, Author: bobLID, Timestamp: at, Remove: true},
	} {
		es = append(es, bridge.PictureEvents("default", evt)...)
	}
	ids := map[string]string{}
	for _, e := range es {
		id := events.EventID(e.Session, e.Type, e.Key)
		if other, dup := ids[id]; dup {
			t.Errorf("%s %+v shares its id with %s: one of them would be dropped", e.Type, e.Data, other)
		}
		ids[id] = fmt.Sprintf("%s %+v", e.Type, e.Data)
	}
	again := bridge.GroupInfoEvents("default", name("Dinner club"))
	if len(again) != 1 || again[0].Key != es[1].Key {
		t.Errorf("the same rename again got key %q, first %q", again[0].Key, es[1].Key)
	}
}

// whatsmeow names the members of a change in a LID group by LID alone,
// keeping each one's phone number in the device's LID store before it
// dispatches the notification: the events carry both forms (CONTRACT §2),
// of the members changed, of who changed them and of who changed a photo.
func TestGroupChangesCarryBothForms(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	ctx := context.Background()
	for lid, pn := range map[types.JID]types.JID{bobLID: bobPN, aliceLID: alicePN} {
		if err := c.dev.LIDs.PutLIDMapping(ctx, lid, pn); err != nil {
			t.Fatal(err)
		}
	}
	if !c.push(&waEvents.GroupInfo{JID: group, Sender: &aliceLID, Timestamp: fixedTime, ParticipantVersionID: "7", Join: []types.JID{bobLID}}) {
		t.Fatal("group change not handled")
	}
	if !c.push(&waEvents.Picture{JID: group, Author: aliceLID, Timestamp: fixedTime, PictureID: "1700000100"}) {
		t.Fatal("picture not handled")
	}
	changed := e.sink.ofType(events.TypeGroupParticipantsChanged)
	if len(changed) != 1 {
		t.Fatalf("%d group.participants.changed, want 1", len(changed))
	}
	d := changed[0].Data.(events.GroupParticipantsChanged)
	want := events.JID{JID: bobLID.String(), PN: bobPN.String(), LID: bobLID.String()}
	if len(d.Participants) != 1 || d.Participants[0] != want {
		t.Errorf("participants %+v, want %+v", d.Participants, want)
	}
	if d.By == nil || d.By.PN != alicePN.String() {
		t.Errorf("by %+v, want Alice's phone number too", d.By)
	}
	pics := e.sink.ofType(events.TypePictureUpdated)
	if len(pics) != 1 || pics[0].Data.(events.PictureUpdated).By == nil || pics[0].Data.(events.PictureUpdated).By.PN != alicePN.String() {
		t.Errorf("picture.updated %+v, want Alice's phone number in by", pics)
	}
}
