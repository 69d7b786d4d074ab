package sandbox

import (
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// statusForbidden is the server's answer to a post the account may not
// make (a non-admin in an announce group).
const statusForbidden = 403

// mayPost checks a send to a group as WhatsApp does: whatsmeow first reads
// the group's members (an unknown group fails there, one the account is
// not in as well), and the server refuses a non-admin's post in an announce
// group and a non-admin's revoke of someone else's message.
func (c *Client) mayPost(group, me types.JID, msg *waE2E.Message) error {
	if group.Server != types.GroupServer {
		return nil
	}
	err := c.net.groups.with(group, func(g *vgroup) error {
		switch {
		case g.members[me] == nil:
			return fmt.Errorf("failed to get group members: %w", wrapIQ(whatsmeow.ErrNotInGroup, whatsmeow.ErrIQForbidden))
		case g.info.IsAnnounce && !g.isAdmin(me):
			return serverRefusal(statusForbidden, nil)
		case revokesOthers(msg, me) && !g.isAdmin(me):
			return serverRefusal(statusForbidden, nil)
		}
		return nil
	})
	if err == whatsmeow.ErrIQNotFound {
		return fmt.Errorf("failed to get group members: %w", wrapIQ(whatsmeow.ErrGroupNotFound, err))
	}
	return err
}

// postToGroup delivers a message sent to a group to the other member
// sessions of the network, as *events.Message from the sender.
func (c *Client) postToGroup(group, sender types.JID, id types.MessageID, msg *waE2E.Message, at time.Time) {
	if group.Server != types.GroupServer {
		return
	}
	var members []types.JID
	_ = c.net.groups.with(group, func(g *vgroup) error {
		members = g.memberList()
		return nil
	})
	c.mu.Lock()
	pushName := c.dev.PushName
	c.mu.Unlock()
	sender = sender.ToNonAD()
	for _, other := range c.net.clientsOf(members) {
		if other == c || other.ownID().User == sender.User {
			continue
		}
		evt := (&events.Message{
			Info: types.MessageInfo{
				MessageSource: types.MessageSource{Chat: group, Sender: sender, IsGroup: true,
					AddressingMode: types.AddressingModePN, SenderAlt: c.net.lidFor(sender.User)},
				ID: id, Type: stanzaType(msg), PushName: pushName, Timestamp: at,
			},
			Message:    proto.CloneOf(msg),
			RawMessage: proto.CloneOf(msg),
		}).UnwrapRaw()
		// Members offline now get it when they connect again (offline.go).
		c.net.toMember(other, delivery{evt: evt, attempts: c.net.cfg.RedeliveryAttempts, backoff: c.net.cfg.RedeliveryBackoff})
	}
}

// revokesOthers: msg deletes for everyone a message of another member
// (the key names them as participant: an admin's revoke).
func revokesOthers(msg *waE2E.Message, me types.JID) bool {
	p := msg.GetProtocolMessage()
	// A missing protocol message reads as type REVOKE (its zero value).
	if p == nil || p.GetType() != waE2E.ProtocolMessage_REVOKE || p.GetKey().GetFromMe() {
		return false
	}
	who, err := types.ParseJID(p.GetKey().GetParticipant())
	return err == nil && who.User != me.User
}
