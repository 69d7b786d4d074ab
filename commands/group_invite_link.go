package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// InviteLinker reads and rotates groups' invite links.
type InviteLinker interface {
	GroupInviteLink(ctx context.Context, groupID string, reset bool) (bridge.InviteLink, error)
}

type inviteLinkPayload struct {
	GroupID string   `json:"group_id"`
	Reset   flexBool `json:"reset"`
}

type inviteLinked struct{ bridge.InviteLink }

func (d inviteLinked) chat() string { return d.GroupID }

// groupInviteLink is a query even with reset=true (CONTRACT §6 names it
// one): see its schema for what that means for a repeat.
func groupInviteLink(ctx context.Context, s InviteLinker, _ Env, p inviteLinkPayload) (any, error) {
	l, err := s.GroupInviteLink(ctx, p.GroupID, p.Reset.val)
	if err != nil {
		return nil, fmt.Errorf("reading invite link: %w", err)
	}
	return inviteLinked{l}, nil
}

// groupInviteLinkRevoke is the audited rotation: WhatsApp has no revoke of
// its own, a reset revokes the link and makes its successor.
func groupInviteLinkRevoke(ctx context.Context, s InviteLinker, _ Env, p groupPayload) (any, error) {
	l, err := s.GroupInviteLink(ctx, p.GroupID, true)
	if err != nil {
		return nil, fmt.Errorf("revoking invite link: %w", err)
	}
	return inviteLinked{l}, nil
}
