package sandbox

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// setting changes a group's info as actor may: members only, admins only
// where adminOnly says so (401 otherwise, as WhatsApp answers); fill
// writes the change to the group and the notification members get.
func (c *Client) setting(ctx context.Context, jid types.JID, adminOnly func(g *vgroup) bool, fill func(g *vgroup, e *events.GroupInfo) error) error {
	me, err := c.iqSender(ctx)
	if err != nil {
		return err
	}
	evt := c.change(jid, me, func(*events.GroupInfo) {})
	var members []types.JID
	err = c.net.groups.with(jid, func(g *vgroup) error {
		if g.members[me] == nil {
			return whatsmeow.ErrIQForbidden
		}
		if adminOnly(g) && !g.isAdmin(me) {
			return whatsmeow.ErrIQNotAuthorized
		}
		members = g.memberList()
		return fill(g, evt)
	})
	if err != nil {
		return err
	}
	c.net.notify(members, evt)
	return nil
}

// infoLocked: a locked group's info is the admins' to change.
func infoLocked(g *vgroup) bool { return g.info.IsLocked }

// always: settings only admins change.
func always(*vgroup) bool { return true }

// SetGroupName renames a group.
func (c *Client) SetGroupName(ctx context.Context, jid types.JID, name string) error {
	if utf8.RuneCountInString(name) > maxGroupName || strings.TrimSpace(name) == "" {
		return whatsmeow.ErrIQNotAcceptable
	}
	return c.setting(ctx, jid, infoLocked, func(g *vgroup, e *events.GroupInfo) error {
		g.info.GroupName = types.GroupName{Name: name, NameSetAt: e.Timestamp, NameSetBy: *e.Sender, NameSetByPN: *e.Sender}
		n := g.info.GroupName
		e.Name = &n
		return nil
	})
}

// SetGroupTopic sets the description. Like WhatsApp, it refuses a change
// that does not name the current description as the one it replaces
// (409), so two editors never overwrite each other unknowingly.
func (c *Client) SetGroupTopic(ctx context.Context, jid types.JID, previousID, newID, topic string) error {
	if newID == "" {
		newID = whatsmeow.GenerateMessageID()
	}
	return c.setting(ctx, jid, infoLocked, func(g *vgroup, e *events.GroupInfo) error {
		if previousID != g.info.TopicID {
			return &whatsmeow.IQError{Code: 409, Text: "conflict"}
		}
		g.info.GroupTopic = types.GroupTopic{Topic: topic, TopicID: newID, TopicSetAt: e.Timestamp, TopicSetBy: *e.Sender, TopicSetByPN: *e.Sender, TopicDeleted: topic == ""}
		e.Topic = &types.GroupTopic{Topic: topic, TopicID: newID, TopicSetAt: e.Timestamp, TopicSetBy: *e.Sender, TopicDeleted: topic == ""}
		return nil
	})
}

// SetGroupAnnounce sets whether only admins send.
func (c *Client) SetGroupAnnounce(ctx context.Context, jid types.JID, announce bool) error {
	return c.setting(ctx, jid, always, func(g *vgroup, e *events.GroupInfo) error {
		g.info.IsAnnounce = announce
		e.Announce = &types.GroupAnnounce{IsAnnounce: announce}
		return nil
	})
}

// SetGroupLocked sets whether only admins change the group's info.
func (c *Client) SetGroupLocked(ctx context.Context, jid types.JID, locked bool) error {
	return c.setting(ctx, jid, always, func(g *vgroup, e *events.GroupInfo) error {
		g.info.IsLocked = locked
		e.Locked = &types.GroupLocked{IsLocked: locked}
		return nil
	})
}

// SetGroupPhoto sets (nil: removes) the group's photo. Members get
// events.Picture, not GroupInfo, as from WhatsApp.
func (c *Client) SetGroupPhoto(ctx context.Context, jid types.JID, avatar []byte) (string, error) {
	if avatar != nil && !isJPEG(avatar) {
		return "", wrapIQ(whatsmeow.ErrInvalidImageFormat, whatsmeow.ErrIQNotAcceptable)
	}
	me, err := c.iqSender(ctx)
	if err != nil {
		return "", err
	}
	now := c.net.clock.now()
	pic := &events.Picture{JID: jid, Author: me, Timestamp: now.Truncate(time.Second), Remove: avatar == nil}
	var members []types.JID
	err = c.net.groups.with(jid, func(g *vgroup) error {
		if g.members[me] == nil {
			return whatsmeow.ErrIQForbidden
		}
		if g.info.IsLocked && !g.isAdmin(me) {
			return whatsmeow.ErrIQNotAuthorized
		}
		g.picture = ""
		if avatar != nil {
			g.picture = pictureID(now)
		}
		pic.PictureID, members = g.picture, g.memberList()
		return nil
	})
	if err != nil {
		return "", err
	}
	c.net.notify(members, pic)
	if avatar == nil {
		return "remove", nil
	}
	return pic.PictureID, nil
}

// isJPEG: WhatsApp takes JPEG only (SOI marker first).
func isJPEG(b []byte) bool { return len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF }
