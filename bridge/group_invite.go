package bridge

import (
	"context"
	"errors"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/invite"
	"github.com/wabridge/wabridge/internal/werr"
)

// InviteLink is the answer of group.invite_link and its revoke.
type InviteLink struct {
	GroupID    string `json:"group_id"`
	InviteLink string `json:"invite_link"`
	Code       string `json:"code"`
	// Reset says the link was rotated: the previous one no longer works.
	Reset bool `json:"reset"`
}

// GroupInviteLink answers a group's invite link (admins only); reset
// revokes the current one and answers its successor.
func (s *Session) GroupInviteLink(ctx context.Context, groupID string, reset bool) (InviteLink, error) {
	g, err := ParseGroupID(groupID)
	if err != nil {
		return InviteLink{}, err
	}
	l, _, err := s.groupLink()
	if err != nil {
		return InviteLink{}, err
	}
	link, err := l.client.GetGroupInviteLink(ctx, g, reset)
	if err != nil {
		return InviteLink{}, classify(err, groupOp(g, "reading the invite link of group %s", g))
	}
	code, err := invite.Parse(link)
	if err != nil {
		return InviteLink{}, werr.Wrap(err, werr.KindUpstream, werr.CodeUpstream, "WhatsApp answered an invite link this bridge cannot read")
	}
	return InviteLink{GroupID: g.String(), InviteLink: invite.Link(code), Code: code, Reset: reset}, nil
}

// Outcomes of group.join_with_link.
const (
	JoinJoined    = "joined"
	JoinRequested = "approval_required" // the group admits after an admin's approval; a request was sent
)

// GroupJoin is the answer of group.join_with_link.
type GroupJoin struct {
	GroupID string `json:"group_id"`
	Status  string `json:"status"`
	Name    string `json:"name,omitempty"`
}

// JoinGroupWithLink joins the group of an invite link (the whole link or
// its code). whatsmeow answers a group that needs an admin's approval with
// its JID as if joined, so the link's group info is read first: it says
// whether approval is required (and fails for a revoked link before
// anything is asked to change).
func (s *Session) JoinGroupWithLink(ctx context.Context, link string) (GroupJoin, error) {
	code, err := invite.Parse(link)
	if err != nil {
		return GroupJoin{}, werr.Invalid(werr.CodeInvalidPayload,
			"invite_link must be a link on %s (%s<code>) or its code: %s", invite.Host, invite.Prefix, errors.Unwrap(err))
	}
	l, _, err := s.groupLink()
	if err != nil {
		return GroupJoin{}, err
	}
	info, err := l.client.GetGroupInfoFromLink(ctx, code)
	if err != nil {
		return GroupJoin{}, classify(err, groupOp(types.EmptyJID, "reading the group of invite link %s", code))
	}
	jid, err := l.client.JoinGroupWithLink(ctx, code)
	if err != nil {
		return GroupJoin{}, classify(err, groupOp(info.JID, "joining group %s by invite link", info.JID))
	}
	j := GroupJoin{GroupID: jid.String(), Status: JoinJoined, Name: info.Name}
	if info.IsJoinApprovalRequired {
		j.Status = JoinRequested
	}
	return j, nil
}
