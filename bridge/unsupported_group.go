package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

func (UnsupportedClient) CreateGroup(context.Context, whatsmeow.ReqCreateGroup) (*types.GroupInfo, error) {
	return nil, unsupported("CreateGroup")
}

func (UnsupportedClient) GetGroupInfoFromLink(context.Context, string) (*types.GroupInfo, error) {
	return nil, unsupported("GetGroupInfoFromLink")
}

func (UnsupportedClient) JoinGroupWithLink(context.Context, string) (types.JID, error) {
	return types.EmptyJID, unsupported("JoinGroupWithLink")
}

func (UnsupportedClient) LeaveGroup(context.Context, types.JID) error {
	return unsupported("LeaveGroup")
}

func (UnsupportedClient) UpdateGroupParticipants(context.Context, types.JID, []types.JID, whatsmeow.ParticipantChange) ([]types.GroupParticipant, error) {
	return nil, unsupported("UpdateGroupParticipants")
}

func (UnsupportedClient) SetGroupPhoto(context.Context, types.JID, []byte) (string, error) {
	return "", unsupported("SetGroupPhoto")
}

func (UnsupportedClient) SetGroupName(context.Context, types.JID, string) error {
	return unsupported("SetGroupName")
}

func (UnsupportedClient) SetGroupTopic(context.Context, types.JID, string, string, string) error {
	return unsupported("SetGroupTopic")
}

func (UnsupportedClient) SetGroupAnnounce(context.Context, types.JID, bool) error {
	return unsupported("SetGroupAnnounce")
}

func (UnsupportedClient) SetGroupLocked(context.Context, types.JID, bool) error {
	return unsupported("SetGroupLocked")
}

func (UnsupportedClient) GetGroupInviteLink(context.Context, types.JID, bool) (string, error) {
	return "", unsupported("GetGroupInviteLink")
}

func (UnsupportedClient) GetJoinedGroups(context.Context) ([]*types.GroupInfo, error) {
	return nil, unsupported("GetJoinedGroups")
}
