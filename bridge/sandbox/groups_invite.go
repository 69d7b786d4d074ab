package sandbox

import (
	"context"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// GetGroupInviteLink answers the group's invite link (admins only); reset
// revokes it and makes a new one, which members see.
func (c *Client) GetGroupInviteLink(ctx context.Context, jid types.JID, reset bool) (string, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return "", err
	}
	b := &c.net.groups
	var code string
	var members []types.JID
	err = b.with(jid, func(g *vgroup) error {
		switch {
		case g.members[me] == nil:
			return wrapIQ(whatsmeow.ErrNotInGroup, whatsmeow.ErrIQForbidden)
		case !g.isAdmin(me):
			return wrapIQ(whatsmeow.ErrGroupInviteLinkUnauthorized, whatsmeow.ErrIQNotAuthorized)
		}
		if reset {
			b.newCode(g)
			members = g.memberList()
		}
		code = g.code
		return nil
	})
	if err == whatsmeow.ErrIQNotFound {
		return "", wrapIQ(whatsmeow.ErrGroupNotFound, err)
	} else if err != nil {
		return "", err
	}
	link := whatsmeow.InviteLinkPrefix + code
	if reset {
		c.net.notify(members, c.change(jid, me, func(e *events.GroupInfo) { e.NewInviteLink = &link }))
	}
	return link, nil
}

// linkGroup finds the group of an invite code with whatsmeow's errors: a
// revoked code is gone (410), one never made not acceptable (406).
func (b *groupBook) linkGroup(code string) (*vgroup, error) {
	code = strings.TrimPrefix(code, whatsmeow.InviteLinkPrefix)
	jid, ok := b.codes[code]
	switch {
	case !ok:
		return nil, wrapIQ(whatsmeow.ErrInviteLinkInvalid, whatsmeow.ErrIQNotAcceptable)
	case b.revoked[code] || b.groups[jid] == nil:
		return nil, wrapIQ(whatsmeow.ErrInviteLinkRevoked, whatsmeow.ErrIQGone)
	}
	return b.groups[jid], nil
}

// GetGroupInfoFromLink previews the group of an invite link.
func (c *Client) GetGroupInfoFromLink(ctx context.Context, code string) (*types.GroupInfo, error) {
	if _, err := c.iqSender(ctx); err != nil {
		return nil, err
	}
	b := &c.net.groups
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	g, err := b.linkGroup(code)
	if err != nil {
		return nil, err
	}
	return g.snapshot(), nil
}

// JoinGroupWithLink joins the group of an invite link: the account gets
// JoinedGroup (reason invite), the members a GroupInfo with the join.
// Joining a group one is in already changes nothing.
func (c *Client) JoinGroupWithLink(ctx context.Context, code string) (types.JID, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return types.EmptyJID, err
	}
	b := &c.net.groups
	b.mu.Lock()
	b.init()
	g, err := b.linkGroup(code)
	if err != nil {
		b.mu.Unlock()
		return types.EmptyJID, err
	}
	jid := g.info.JID
	if g.members[me] != nil {
		b.mu.Unlock()
		return jid, nil
	}
	before := g.memberList()
	g.add(me)
	info := g.snapshot()
	b.mu.Unlock()
	c.net.notify(before, c.change(jid, me, func(e *events.GroupInfo) {
		e.Join, e.JoinReason, e.ParticipantVersionID = []types.JID{me}, "invite", info.ParticipantVersionID
		e.Sender, e.SenderPN = nil, nil // notify=invite: WhatsApp names no sender
	}))
	c.net.notify([]types.JID{me}, &events.JoinedGroup{Reason: "invite", GroupInfo: *info})
	return jid, nil
}
