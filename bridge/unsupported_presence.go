package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/types"
)

func (UnsupportedClient) SendPresence(context.Context, types.Presence) error {
	return unsupported("SendPresence")
}

func (UnsupportedClient) SendChatPresence(context.Context, types.JID, types.ChatPresence, types.ChatPresenceMedia) error {
	return unsupported("SendChatPresence")
}

func (UnsupportedClient) RejectCall(context.Context, types.JID, string) error {
	return unsupported("RejectCall")
}

func (UnsupportedClient) SubscribePresence(context.Context, types.JID) error {
	return unsupported("SubscribePresence")
}
