package commands_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

// The fake session's group side: each call is recorded (f.calls) as
// "<Method> <arguments>" and answered from its arguments.

func (f *fakeSession) CreateGroup(_ context.Context, req bridge.CreateGroupRequest) (bridge.GroupCreated, error) {
	if err := f.record(fmt.Sprintf("CreateGroup %q %s key=%t", req.Name, strings.Join(req.Participants, ","), req.Key != "")); err != nil {
		return bridge.GroupCreated{}, err
	}
	g := bridge.GroupCreated{GroupID: "120363000000000042@g.us", Group: bridge.GroupInfo{GroupID: "120363000000000042@g.us", Name: req.Name}}
	for _, p := range req.Participants {
		g.Participants = append(g.Participants, bridge.ParticipantResult{JID: events.JID{JID: p + "@s.whatsapp.net"}, Status: bridge.StatusOK})
	}
	return g, nil
}

func (f *fakeSession) JoinGroupWithLink(_ context.Context, link string) (bridge.GroupJoin, error) {
	return bridge.GroupJoin{GroupID: "120363000000000042@g.us", Status: bridge.JoinJoined}, f.record("JoinGroupWithLink " + link)
}

func (f *fakeSession) GroupInfo(_ context.Context, groupID string) (bridge.GroupInfo, error) {
	return bridge.GroupInfo{GroupID: groupID, Name: "Team"}, f.record("GroupInfo " + groupID)
}

func (f *fakeSession) LeaveGroup(_ context.Context, groupID string) (bridge.GroupChange, error) {
	left := true
	return bridge.GroupChange{GroupID: groupID, Left: &left}, f.record("LeaveGroup " + groupID)
}

func (f *fakeSession) UpdateParticipants(_ context.Context, req bridge.ParticipantsRequest) (bridge.ParticipantsChange, error) {
	err := f.record(fmt.Sprintf("UpdateParticipants %s %s %s key=%t", req.GroupID, req.Action, strings.Join(req.Participants, ","), req.Key != ""))
	return bridge.ParticipantsChange{GroupID: req.GroupID, Action: req.Action}, err
}

func (f *fakeSession) SetGroupName(_ context.Context, groupID, name string) (bridge.GroupChange, error) {
	return bridge.GroupChange{GroupID: groupID, Name: &name}, f.record(fmt.Sprintf("SetGroupName %s %q", groupID, name))
}

func (f *fakeSession) SetGroupTopic(_ context.Context, groupID, topic, key string) (bridge.GroupChange, error) {
	return bridge.GroupChange{GroupID: groupID, Topic: &topic}, f.record(fmt.Sprintf("SetGroupTopic %s %q key=%t", groupID, topic, key != ""))
}

func (f *fakeSession) SetGroupAnnounce(_ context.Context, groupID string, on bool) (bridge.GroupChange, error) {
	return bridge.GroupChange{GroupID: groupID, Announce: &on}, f.record(fmt.Sprintf("SetGroupAnnounce %s %t", groupID, on))
}

func (f *fakeSession) SetGroupLocked(_ context.Context, groupID string, on bool) (bridge.GroupChange, error) {
	return bridge.GroupChange{GroupID: groupID, Locked: &on}, f.record(fmt.Sprintf("SetGroupLocked %s %t", groupID, on))
}

func (f *fakeSession) GroupInviteLink(_ context.Context, groupID string, reset bool) (bridge.InviteLink, error) {
	l := bridge.InviteLink{GroupID: groupID, InviteLink: "https://chat.whatsapp.com/Code1", Code: "Code1", Reset: reset}
	return l, f.record(fmt.Sprintf("GroupInviteLink %s %t", groupID, reset))
}

func (f *fakeSession) JoinedGroups(_ context.Context, limit int, before string) (bridge.GroupPage, error) {
	page := bridge.GroupPage{Groups: []bridge.GroupInfo{{GroupID: "120363000000000001@g.us", Name: "One"}}, NextCursor: "next"}
	return page, f.record(fmt.Sprintf("JoinedGroups %d %q", limit, before))
}

func (f *fakeSession) SetGroupPhoto(_ context.Context, groupID, src string) (bridge.GroupChange, error) {
	return bridge.GroupChange{GroupID: groupID, PictureID: "1"}, f.record(fmt.Sprintf("SetGroupPhoto %s %s", groupID, src))
}
