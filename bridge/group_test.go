package bridge_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
)

var carolPN = types.NewJID("4917622222222", types.DefaultUserServer)

func wantCalls(t *testing.T, f *groupFake, want ...string) {
	t.Helper()
	if got := f.recorded(); !reflect.DeepEqual(got, want) {
		t.Fatalf("whatsmeow calls\n %q\nwant\n %q", got, want)
	}
}

// TestCreateGroup: the name and the parsed participants go to CreateGroup
// with a create key derived from the command's key; the account itself is
// left out of the answer, each other participant's code is translated,
// whoever needs an invite gets WhatsApp's group invite message, and the
// group's members are those WhatsApp added.
func TestCreateGroup(t *testing.T) {
	e, f := groupEnv(t)
	expires := time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)
	f.info = types.GroupInfo{
		JID: group, GroupName: types.GroupName{Name: "Project Team 2024"}, OwnerJID: ownPN,
		Participants: []types.GroupParticipant{
			{JID: ownPN, IsAdmin: true, IsSuperAdmin: true},
			{JID: alicePN},
			{JID: bobPN, Error: 403, AddRequest: &types.GroupParticipantAddRequest{Code: "AddCode1", Expiration: expires}},
			{JID: carolPN, Error: 409},
		},
	}
	got, err := e.session("default").CreateGroup(context.Background(), bridge.CreateGroupRequest{
		Name: " Project Team 2024 ", Participants: []string{"4917612345678", bobPN.String(), "4917622222222", "4917612345678"}, Key: "k1",
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, fmt.Sprintf("CreateGroup %q %v", "Project Team 2024", []types.JID{alicePN, bobPN, carolPN}))
	if key := f.creates[0].CreateKey; key != bridge.MessageIDFromKey("k1") {
		t.Errorf("create key %q, want the one derived from the command's key", key)
	}
	// WhatsApp lists the people it did not add among the new group's
	// participants, with their error: they are no members.
	if got.GroupID != group.String() || got.Group.Name != "Project Team 2024" || len(got.Group.Participants) != 2 ||
		got.Group.ParticipantCount != 2 || got.Group.Participants[1].JID.JID != alicePN.String() {
		t.Errorf("answer %+v, want the account and Alice as members", got)
	}
	statuses := map[string]string{}
	for _, p := range got.Participants {
		statuses[p.JID.JID] = p.Status
	}
	want := map[string]string{alicePN.String(): "ok", bobPN.String(): "invite_sent", carolPN.String(): "already_in"}
	if !reflect.DeepEqual(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	sent := f.sentMessages()
	if len(sent) != 1 || sent[0].To != bobPN {
		t.Fatalf("sent %v, want one invite to %s", sent, bobPN)
	}
	wantInvite := &waE2E.Message{GroupInviteMessage: &waE2E.GroupInviteMessage{
		GroupJID: proto.String(group.String()), InviteCode: proto.String("AddCode1"),
		InviteExpiration: proto.Int64(expires.Unix()), GroupName: proto.String("Project Team 2024"),
		Caption: proto.String("Invitation to join my WhatsApp group"),
	}}
	if !proto.Equal(sent[0].Msg, wantInvite) {
		t.Errorf("invite %v, want %v", sent[0].Msg, wantInvite)
	}
}

// TestUpdateParticipants: each command's action reaches whatsmeow as its
// ParticipantChange, and each participant's code is read as WhatsApp
// means it for that action.
func TestUpdateParticipants(t *testing.T) {
	tests := []struct {
		action bridge.ParticipantAction
		change whatsmeow.ParticipantChange
		errs   map[int]string
	}{
		{bridge.ParticipantAdd, whatsmeow.ParticipantChangeAdd,
			map[int]string{0: "ok", 200: "ok", 404: "not_on_whatsapp", 409: "already_in", 408: "recently_left", 403: "forbidden", 500: "failed"}},
		{bridge.ParticipantRemove, whatsmeow.ParticipantChangeRemove, map[int]string{0: "ok", 404: "not_in_group", 401: "forbidden"}},
		{bridge.ParticipantPromote, whatsmeow.ParticipantChangePromote, map[int]string{0: "ok", 404: "not_in_group"}},
		{bridge.ParticipantDemote, whatsmeow.ParticipantChangeDemote, map[int]string{0: "ok", 406: "not_admin", 404: "not_in_group"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.action), func(t *testing.T) {
			e, f := groupEnv(t)
			var asked []string
			var jids []types.JID
			want := map[string]string{}
			for code, status := range tc.errs {
				j := types.NewJID(fmt.Sprintf("49176%08d", 10000+code), types.DefaultUserServer)
				asked, jids = append(asked, j.User), append(jids, j)
				f.answer = append(f.answer, types.GroupParticipant{JID: j, Error: code})
				want[j.String()] = status
			}
			got, err := e.session("default").UpdateParticipants(context.Background(), bridge.ParticipantsRequest{
				GroupID: group.String(), Participants: asked, Action: tc.action, Key: "k",
			})
			if err != nil {
				t.Fatal(err)
			}
			wantCalls(t, f, fmt.Sprintf("UpdateGroupParticipants %s %v %s", group, jids, tc.change))
			statuses := map[string]string{}
			for _, p := range got.Participants {
				statuses[p.JID.JID] = p.Status
			}
			if !reflect.DeepEqual(statuses, want) || got.Action != tc.action || got.GroupID != group.String() {
				t.Errorf("answer %+v, statuses %v, want %v", got, statuses, want)
			}
			if n := len(f.sentMessages()); n != 0 {
				t.Errorf("%d messages sent", n)
			}
		})
	}
}

// TestAddNeedingAnInvite: a 403 with an add request is an invite sent to
// the person (the group's name read for it), under an id derived from the
// key, so a retry sends the same message again rather than a second one.
func TestAddNeedingAnInvite(t *testing.T) {
	e, f := groupEnv(t)
	f.info = types.GroupInfo{JID: group, GroupName: types.GroupName{Name: "Team"}}
	lid := types.NewJID("100000000000077", types.HiddenUserServer)
	f.answer = []types.GroupParticipant{{JID: lid, PhoneNumber: alicePN, LID: lid, Error: 403,
		AddRequest: &types.GroupParticipantAddRequest{Code: "C0de", Expiration: fixedTime}}}
	req := bridge.ParticipantsRequest{GroupID: group.String(), Participants: []string{alicePN.User}, Action: bridge.ParticipantAdd, Key: "k9"}
	var ids []string
	for range 2 {
		got, err := e.session("default").UpdateParticipants(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		p := got.Participants[0]
		if p.Status != "invite_sent" || p.WhatsAppStatus != 403 || p.PN != alicePN.String() || p.LID != lid.String() ||
			p.InviteExpires == nil || !p.InviteExpires.Equal(fixedTime) {
			t.Fatalf("participant %+v", p)
		}
	}
	for _, m := range f.sentMessages() {
		if m.To != alicePN || m.Msg.GetGroupInviteMessage().GetGroupName() != "Team" {
			t.Errorf("invite to %s: %v", m.To, m.Msg)
		}
		ids = append(ids, string(m.Extra.ID))
	}
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] == "" {
		t.Errorf("invite ids %q, want the same one twice", ids)
	}
}

// TestSetGroupTopic: the id of the description replaced is read from the
// group, the new one derived from the command's key.
func TestSetGroupTopic(t *testing.T) {
	e, f := groupEnv(t)
	f.info = types.GroupInfo{JID: group, GroupTopic: types.GroupTopic{Topic: "old", TopicID: "T0PIC1"}}
	got, err := e.session("default").SetGroupTopic(context.Background(), group.String(), "This is our project team", "k2")
	if err != nil {
		t.Fatal(err)
	}
	newID := bridge.MessageIDFromKey("k2")
	wantCalls(t, f, "GetGroupInfo "+group.String(),
		fmt.Sprintf("SetGroupTopic %s prev=T0PIC1 new=%s %q", group, newID, "This is our project team"))
	if got.TopicID != newID || got.Topic == nil || *got.Topic != "This is our project team" {
		t.Errorf("answer %+v", got)
	}
}

// TestGroupSettings: name, announce, locked and leave reach whatsmeow as
// given.
func TestGroupSettings(t *testing.T) {
	e, f := groupEnv(t)
	s, ctx, g := e.session("default"), context.Background(), group.String()
	for _, step := range []func() (bridge.GroupChange, error){
		func() (bridge.GroupChange, error) { return s.SetGroupName(ctx, g, "New Group Name 2024") },
		func() (bridge.GroupChange, error) { return s.SetGroupAnnounce(ctx, g, true) },
		func() (bridge.GroupChange, error) { return s.SetGroupLocked(ctx, g, false) },
		func() (bridge.GroupChange, error) { return s.LeaveGroup(ctx, g) },
	} {
		if c, err := step(); err != nil || c.GroupID != g {
			t.Fatalf("%+v, %v", c, err)
		}
	}
	wantCalls(t, f, fmt.Sprintf("SetGroupName %s %q", group, "New Group Name 2024"),
		"SetGroupAnnounce "+g+" true", "SetGroupLocked "+g+" false", "LeaveGroup "+g)
}

// TestGroupInviteLink: reset reaches whatsmeow as asked; revoke is reset.
func TestGroupInviteLink(t *testing.T) {
	e, f := groupEnv(t)
	f.link = "https://chat.whatsapp.com/AbC123"
	for _, reset := range []bool{false, true} {
		got, err := e.session("default").GroupInviteLink(context.Background(), group.String(), reset)
		if err != nil {
			t.Fatal(err)
		}
		want := bridge.InviteLink{GroupID: group.String(), InviteLink: f.link, Code: "AbC123", Reset: reset}
		if got != want {
			t.Errorf("answer %+v, want %+v", got, want)
		}
	}
	wantCalls(t, f, "GetGroupInviteLink "+group.String()+" false", "GetGroupInviteLink "+group.String()+" true")
}

// TestJoinGroupWithLink: the link's group is read before joining, which
// tells a group that admits after approval from one joined.
func TestJoinGroupWithLink(t *testing.T) {
	for _, approval := range []bool{false, true} {
		e, f := groupEnv(t)
		f.info = types.GroupInfo{JID: group, GroupName: types.GroupName{Name: "Team"},
			GroupMembershipApprovalMode: types.GroupMembershipApprovalMode{IsJoinApprovalRequired: approval}}
		got, err := e.session("default").JoinGroupWithLink(context.Background(), "https://chat.whatsapp.com/ABC123DEF456")
		if err != nil {
			t.Fatal(err)
		}
		wantCalls(t, f, "GetGroupInfoFromLink ABC123DEF456", "JoinGroupWithLink ABC123DEF456")
		want := bridge.GroupJoin{GroupID: group.String(), Status: "joined", Name: "Team"}
		if approval {
			want.Status = "approval_required"
		}
		if got != want {
			t.Errorf("approval %t: %+v, want %+v", approval, got, want)
		}
	}
}

// TestGroupBadInputChangesNothing: what can never succeed is refused
// before WhatsApp is asked.
func TestGroupBadInputChangesNothing(t *testing.T) {
	e, f := groupEnv(t)
	s, ctx := e.session("default"), context.Background()
	many := make([]string, 2000)
	for i := range many {
		many[i] = fmt.Sprintf("49176%08d", i)
	}
	tests := []struct {
		name, code string
		do         func() error
	}{
		{"empty participants", "INVALID_PAYLOAD", func() error {
			_, err := s.CreateGroup(ctx, bridge.CreateGroupRequest{Name: "x"})
			return err
		}},
		{"2,000 participants", "INVALID_PAYLOAD", func() error {
			_, err := s.CreateGroup(ctx, bridge.CreateGroupRequest{Name: "x", Participants: many})
			return err
		}},
		{"2,000 to add", "INVALID_PAYLOAD", func() error {
			_, err := s.UpdateParticipants(ctx, bridge.ParticipantsRequest{GroupID: group.String(), Participants: many, Action: bridge.ParticipantAdd})
			return err
		}},
		{"a group as participant", "INVALID_RECIPIENT", func() error {
			_, err := s.UpdateParticipants(ctx, bridge.ParticipantsRequest{GroupID: group.String(), Participants: []string{group.String()}, Action: bridge.ParticipantAdd})
			return err
		}},
		{"name too long", "INVALID_PAYLOAD", func() error {
			_, err := s.SetGroupName(ctx, group.String(), strings.Repeat("n", 26))
			return err
		}},
		{"malformed group JID", "INVALID_RECIPIENT", func() error {
			_, err := s.SetGroupName(ctx, "120363xxx@g.us", "x")
			return err
		}},
		{"a person as group", "INVALID_RECIPIENT", func() error {
			_, err := s.GroupInfo(ctx, "4917612345678")
			return err
		}},
		{"invite link of another host", "INVALID_PAYLOAD", func() error {
			_, err := s.JoinGroupWithLink(ctx, "https://chat.whatsapp.com.evil.example/ABC123DEF456")
			return err
		}},
	}
	for _, tc := range tests {
		wantCode(t, tc.do(), tc.code)
	}
	wantCalls(t, f)
}

// TestGroupErrorsClassify: a non-admin's 401 and 403 on a group are
// FORBIDDEN (final), not a logout; an unknown group NOT_FOUND.
func TestGroupErrorsClassify(t *testing.T) {
	tests := []struct {
		err  error
		code string
	}{
		{whatsmeow.ErrIQNotAuthorized, "FORBIDDEN"},
		{whatsmeow.ErrIQForbidden, "FORBIDDEN"},
		{fmt.Errorf("wrapped: %w", whatsmeow.ErrNotInGroup), "FORBIDDEN"},
		{whatsmeow.ErrIQNotFound, "NOT_FOUND"},
		{fmt.Errorf("wrapped: %w", whatsmeow.ErrGroupNotFound), "NOT_FOUND"},
	}
	for _, tc := range tests {
		e, f := groupEnv(t)
		f.err = tc.err
		_, err := e.session("default").SetGroupName(context.Background(), group.String(), "x")
		wantCode(t, err, tc.code)
		_, err = e.session("default").UpdateParticipants(context.Background(), bridge.ParticipantsRequest{
			GroupID: group.String(), Participants: []string{alicePN.User}, Action: bridge.ParticipantPromote})
		wantCode(t, err, tc.code)
	}
}

// TestJoinedGroupsPages: ordered by group JID, without members, cut into
// pages whose cursor continues after the last one.
func TestJoinedGroupsPages(t *testing.T) {
	e, f := groupEnv(t)
	for _, id := range []string{"120363000000000003", "120363000000000001", "120363000000000002"} {
		f.joined = append(f.joined, &types.GroupInfo{JID: types.NewJID(id, types.GroupServer),
			Participants: []types.GroupParticipant{{JID: alicePN}, {JID: ownPN}}})
	}
	s := e.session("default")
	var seen []string
	cursor := ""
	for range 3 {
		page, err := s.JoinedGroups(context.Background(), 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.Groups {
			seen = append(seen, g.GroupID[len(g.GroupID)-7:])
			if g.Participants != nil || g.ParticipantCount != 2 {
				t.Errorf("group %+v lists members", g)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if want := []string{"01@g.us", "02@g.us", "03@g.us"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("pages %q, want %q", seen, want)
	}
	_, err := s.JoinedGroups(context.Background(), 2, "not-a-cursor")
	wantCode(t, err, "INVALID_PAYLOAD")
}
