package sandbox

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// SendPresence accepts the account's availability as WhatsApp's server
// does: contacts' presence reaches the connection only while it is
// available (presence_subscribe.go); the sandbox's contacts send their
// typing states regardless.
func (c *Client) SendPresence(ctx context.Context, state types.Presence) error {
	if err := c.signalReady(ctx, "presence "+string(state)); err != nil {
		return err
	}
	c.watch.setAvailable(state == types.PresenceAvailable)
	return nil
}

// SendChatPresence accepts a typing state for a chat, with whatsmeow's
// checks: a logged-out client has no JID to send it from.
func (c *Client) SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, _ types.ChatPresenceMedia) error {
	if c.ownID().IsEmpty() {
		return whatsmeow.ErrNotLoggedIn
	}
	return c.signalReady(ctx, "chat presence "+string(state)+" to "+jid.String())
}

// RejectCall declines a call of a virtual contact.
func (c *Client) RejectCall(ctx context.Context, from types.JID, callID string) error {
	if c.ownID().IsEmpty() {
		return whatsmeow.ErrNotLoggedIn
	}
	return c.signalReady(ctx, "call rejection of "+callID+" from "+from.String())
}

// signalReady is whatsmeow's sendNode precondition: a connection.
func (c *Client) signalReady(ctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !c.IsConnected() {
		return whatsmeow.ErrNotConnected
	}
	c.log.Debugf("Sent %s", what)
	return nil
}
