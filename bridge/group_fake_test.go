package bridge_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// groupFake is the tests' fake client plus whatsmeow's group IQs, each
// call recorded with its arguments as whatsmeow would receive them.
type groupFake struct {
	*fakeClient

	gmu   sync.Mutex
	calls []string
	// info answers GetGroupInfo, GetGroupInfoFromLink and CreateGroup
	// (its Participants: CreateGroup's, with their errors).
	info types.GroupInfo
	// answer is what UpdateGroupParticipants answers.
	answer []types.GroupParticipant
	joined []*types.GroupInfo
	link   string
	err    error // returned by every group call when set
	// creates keeps CreateGroup's requests whole.
	creates []whatsmeow.ReqCreateGroup
	photos  [][]byte // SetGroupPhoto's avatars
}

func (f *groupFake) record(format string, args ...any) error {
	f.gmu.Lock()
	defer f.gmu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return f.err
}

func (f *groupFake) recorded() []string {
	f.gmu.Lock()
	defer f.gmu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *groupFake) groupInfo() *types.GroupInfo {
	f.gmu.Lock()
	defer f.gmu.Unlock()
	info := f.info
	return &info
}

func (f *groupFake) CreateGroup(_ context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error) {
	if err := f.record("CreateGroup %q %v", req.Name, req.Participants); err != nil {
		return nil, err
	}
	f.gmu.Lock()
	f.creates = append(f.creates, req)
	f.gmu.Unlock()
	return f.groupInfo(), nil
}

func (f *groupFake) GetGroupInfo(_ context.Context, jid types.JID) (*types.GroupInfo, error) {
	if err := f.record("GetGroupInfo %s", jid); err != nil {
		return nil, err
	}
	return f.groupInfo(), nil
}

func (f *groupFake) GetGroupInfoFromLink(_ context.Context, code string) (*types.GroupInfo, error) {
	if err := f.record("GetGroupInfoFromLink %s", code); err != nil {
		return nil, err
	}
	return f.groupInfo(), nil
}

func (f *groupFake) JoinGroupWithLink(_ context.Context, code string) (types.JID, error) {
	if err := f.record("JoinGroupWithLink %s", code); err != nil {
		return types.EmptyJID, err
	}
	return f.groupInfo().JID, nil
}

func (f *groupFake) LeaveGroup(_ context.Context, jid types.JID) error {
	return f.record("LeaveGroup %s", jid)
}

func (f *groupFake) UpdateGroupParticipants(_ context.Context, jid types.JID, who []types.JID, action whatsmeow.ParticipantChange) ([]types.GroupParticipant, error) {
	if err := f.record("UpdateGroupParticipants %s %v %s", jid, who, action); err != nil {
		return nil, err
	}
	f.gmu.Lock()
	defer f.gmu.Unlock()
	return f.answer, nil
}

func (f *groupFake) SetGroupPhoto(_ context.Context, jid types.JID, avatar []byte) (string, error) {
	if err := f.record("SetGroupPhoto %s nil=%t", jid, avatar == nil); err != nil {
		return "", err
	}
	f.gmu.Lock()
	defer f.gmu.Unlock()
	f.photos = append(f.photos, avatar)
	if avatar == nil {
		return "remove", nil
	}
	return "1700000000", nil
}

func (f *groupFake) SetGroupName(_ context.Context, jid types.JID, name string) error {
	return f.record("SetGroupName %s %q", jid, name)
}

func (f *groupFake) SetGroupTopic(_ context.Context, jid types.JID, previousID, newID, topic string) error {
	return f.record("SetGroupTopic %s prev=%s new=%s %q", jid, previousID, newID, topic)
}

func (f *groupFake) SetGroupAnnounce(_ context.Context, jid types.JID, announce bool) error {
	return f.record("SetGroupAnnounce %s %t", jid, announce)
}

func (f *groupFake) SetGroupLocked(_ context.Context, jid types.JID, locked bool) error {
	return f.record("SetGroupLocked %s %t", jid, locked)
}

func (f *groupFake) GetGroupInviteLink(_ context.Context, jid types.JID, reset bool) (string, error) {
	if err := f.record("GetGroupInviteLink %s %t", jid, reset); err != nil {
		return "", err
	}
	f.gmu.Lock()
	defer f.gmu.Unlock()
	return f.link, nil
}

func (f *groupFake) GetJoinedGroups(context.Context) ([]*types.GroupInfo, error) {
	if err := f.record("GetJoinedGroups"); err != nil {
		return nil, err
	}
	f.gmu.Lock()
	defer f.gmu.Unlock()
	return f.joined, nil
}

func groupEnv(t *testing.T) (*env, *groupFake) {
	t.Helper()
	return wrappedEnv(t, func(c *fakeClient) *groupFake { return &groupFake{fakeClient: c} }, nil)
}
