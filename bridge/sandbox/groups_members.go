package sandbox

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// Codes WhatsApp answers per participant of a participants change.
const (
	partNotFound      = 404 // add: no WhatsApp account; otherwise: not a member
	partConflict      = 409 // add: already a member
	partNotAcceptable = 406 // demote: not an admin
)

// UpdateGroupParticipants adds, removes, promotes or demotes members; only
// admins may (401 otherwise, as WhatsApp answers). Each participant gets
// its own outcome; the members (and whoever was removed) are told, and
// who was added gets JoinedGroup.
func (c *Client) UpdateGroupParticipants(ctx context.Context, jid types.JID, who []types.JID, action whatsmeow.ParticipantChange) ([]types.GroupParticipant, error) {
	me, err := c.iqSender(ctx)
	if err != nil {
		return nil, err
	}
	var out, changed []types.GroupParticipant
	var before []types.JID
	var info *types.GroupInfo
	err = c.net.groups.with(jid, func(g *vgroup) error {
		if g.members[me] == nil {
			return whatsmeow.ErrIQForbidden
		}
		if !g.isAdmin(me) {
			return whatsmeow.ErrIQNotAuthorized
		}
		before = g.memberList()
		for _, p := range who {
			r := c.net.applyChange(g, c.net.phoneOf(p), action)
			out = append(out, r)
			if r.Error == 0 {
				changed = append(changed, r)
			}
		}
		info = g.snapshot()
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.tellParticipants(jid, me, action, before, changed, info)
	return out, nil
}

// applyChange changes one participant; mu held.
func (n *Network) applyChange(g *vgroup, p types.JID, action whatsmeow.ParticipantChange) types.GroupParticipant {
	r := types.GroupParticipant{JID: p, PhoneNumber: p}
	m := g.members[p]
	switch {
	case action == whatsmeow.ParticipantChangeAdd && !n.isUser(p):
		r.Error = partNotFound
	case action == whatsmeow.ParticipantChangeAdd && m != nil:
		r.Error = partConflict
	case action == whatsmeow.ParticipantChangeAdd:
		g.add(p)
	case m == nil:
		r.Error = partNotFound
	case action == whatsmeow.ParticipantChangeRemove:
		g.remove(p)
	case action == whatsmeow.ParticipantChangePromote:
		m.admin = true
		g.version++ // WhatsApp versions the participant list with every change
	case action == whatsmeow.ParticipantChangeDemote && !m.admin:
		r.Error = partNotAcceptable
	case action == whatsmeow.ParticipantChangeDemote:
		m.admin, m.superAdmin = false, false
		g.version++
	}
	if m := g.members[p]; m != nil {
		r.IsAdmin, r.IsSuperAdmin = m.admin || m.superAdmin, m.superAdmin
	}
	return r
}

// tellParticipants sends the notifications of a participants change: a
// GroupInfo to whoever was a member before or is one now, and JoinedGroup
// to whoever was added.
func (c *Client) tellParticipants(jid, actor types.JID, action whatsmeow.ParticipantChange, before []types.JID, changed []types.GroupParticipant, info *types.GroupInfo) {
	if len(changed) == 0 {
		return
	}
	var who []types.JID
	for _, p := range changed {
		who = append(who, p.JID)
	}
	evt := c.change(jid, actor, func(e *events.GroupInfo) {
		e.ParticipantVersionID = info.ParticipantVersionID
		switch action {
		case whatsmeow.ParticipantChangeAdd:
			e.Join = who
		case whatsmeow.ParticipantChangeRemove:
			e.Leave = who
		case whatsmeow.ParticipantChangePromote:
			e.Promote = who
		case whatsmeow.ParticipantChangeDemote:
			e.Demote = who
		}
	})
	c.net.notify(before, evt)
	if action == whatsmeow.ParticipantChangeAdd {
		c.net.notify(who, &events.JoinedGroup{Sender: &actor, SenderPN: &actor, GroupInfo: *info})
	}
}
