package sandbox

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// maxGroupName is WhatsApp's limit (whatsmeow: longer names are 406).
const maxGroupName = 25

// iqSender is the account a group IQ comes from, or the error whatsmeow
// gives when it cannot be sent.
func (c *Client) iqSender(ctx context.Context) (types.JID, error) {
	c.mu.Lock()
	own, connected := c.dev.GetJID(), c.connected
	c.mu.Unlock()
	switch {
	case own.IsEmpty():
		return types.EmptyJID, whatsmeow.ErrNotLoggedIn
	case !connected:
		return types.EmptyJID, whatsmeow.ErrNotConnected
	}
	return own.ToNonAD(), ctx.Err()
}

// CreateGroup creates a group with the account as superadmin and the
// participants WhatsApp can add; each participant's answer carries its
// error code (404: no WhatsApp), as whatsmeow parses it.
func (c *Client) CreateGroup(ctx context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(req.Name) > maxGroupName || strings.TrimSpace(req.Name) == "" {
		return nil, whatsmeow.ErrIQNotAcceptable
	}
	now := c.net.clock.wholeSecond()
	b := &c.net.groups
	g := b.create(me, req.Name, now)
	var failed []types.GroupParticipant
	b.mu.Lock()
	g.info.IsAnnounce, g.info.IsLocked = req.IsAnnounce, req.IsLocked
	for _, p := range req.Participants {
		p = c.net.phoneOf(p)
		switch {
		case !c.net.isUser(p):
			failed = append(failed, types.GroupParticipant{JID: p, PhoneNumber: p, Error: 404})
		case g.members[p] == nil:
			g.add(p)
		}
	}
	info := g.snapshot()
	members := g.memberList()
	b.mu.Unlock()
	info.Participants = append(info.Participants, failed...)
	joined := &events.JoinedGroup{Type: "new", CreateKey: strings.TrimPrefix(req.CreateKey, "3EB0"), Sender: &me, SenderPN: &me, GroupInfo: *g0(info)}
	c.net.notify(members, joined)
	return info, nil
}

// g0 is info without the failed participants, as members see the group.
func g0(info *types.GroupInfo) *types.GroupInfo {
	out := *info
	out.Participants = nil
	for _, p := range info.Participants {
		if p.Error == 0 {
			out.Participants = append(out.Participants, p)
		}
	}
	return &out
}

// GetGroupInfo answers a group the account is in, with whatsmeow's errors
// for an unknown group and for one the account is not in.
func (c *Client) GetGroupInfo(ctx context.Context, jid types.JID) (*types.GroupInfo, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return nil, err
	}
	var info *types.GroupInfo
	err = c.net.groups.with(jid, func(g *vgroup) error {
		if g.members[me] == nil {
			return whatsmeow.ErrIQForbidden
		}
		info = g.snapshot()
		return nil
	})
	switch {
	case err == whatsmeow.ErrIQNotFound:
		return nil, wrapIQ(whatsmeow.ErrGroupNotFound, err)
	case err == whatsmeow.ErrIQForbidden:
		return nil, wrapIQ(whatsmeow.ErrNotInGroup, err)
	}
	return info, err
}

// GetJoinedGroups lists the groups the account is in.
func (c *Client) GetJoinedGroups(ctx context.Context) ([]*types.GroupInfo, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return nil, err
	}
	b := &c.net.groups
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*types.GroupInfo
	for _, g := range b.groups {
		if g.members[me] != nil {
			out = append(out, g.snapshot())
		}
	}
	return out, nil
}

// LeaveGroup removes the account from a group; the members left behind
// (and the account) are told.
func (c *Client) LeaveGroup(ctx context.Context, jid types.JID) error {
	me, err := c.iqSender(ctx)
	if err != nil {
		return err
	}
	var members []types.JID
	var version string
	err = c.net.groups.with(jid, func(g *vgroup) error {
		if g.members[me] == nil {
			return whatsmeow.ErrIQForbidden
		}
		members = g.memberList()
		g.remove(me)
		version = g.snapshot().ParticipantVersionID
		return nil
	})
	if err != nil {
		return err
	}
	c.net.notify(members, c.change(jid, me, func(e *events.GroupInfo) {
		e.Leave, e.ParticipantVersionID = []types.JID{me}, version
	}))
	return nil
}

// change is the GroupInfo notification of a change by actor, now.
func (c *Client) change(jid, actor types.JID, fill func(*events.GroupInfo)) *events.GroupInfo {
	e := &events.GroupInfo{JID: jid, Sender: &actor, SenderPN: &actor, Timestamp: c.net.clock.wholeSecond()}
	fill(e)
	return e
}
