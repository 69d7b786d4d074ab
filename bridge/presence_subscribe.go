package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
)

// presenceSubscriber is the part of a session's client that asks WhatsApp
// for a contact's presence. WhatsApp sends a contact's presence (online,
// last seen: presence.updated) only to clients that subscribed to it on
// their current connection and are available themselves (whatsmeow's
// SubscribePresence documentation); WhatsApp's own clients subscribe to the
// chats they show, so the session does so for the one-to-one chats it
// writes to and hears from (presence_subscribe_list.go).
type presenceSubscriber interface {
	SubscribePresence(ctx context.Context, jid types.JID) error
}

var _ presenceSubscriber = (*whatsmeow.Client)(nil)

// touchPresence keeps chat among the contacts whose presence the session
// follows, subscribing to it when the session is available and has no
// subscription for it on this connection. Groups and the account's own
// chat have no presence to follow.
func (s *Session) touchPresence(ctx context.Context, l *link, chat types.JID) {
	if chat.Server != types.DefaultUserServer && chat.Server != types.HiddenUserServer {
		return
	}
	contact := chat.ToNonAD()
	if own := s.selfOf(l).identity(); contact == own.pn || contact == own.lid {
		return
	}
	s.subscribePresence(ctx, l, l.subs.touch(contact))
}

// inboundPresence follows the sender of a message in a one-to-one chat:
// a chat with recent inbound messages is one WhatsApp clients show.
func (s *Session) inboundPresence(ctx context.Context, l *link, evt *waEvents.Message) {
	if !evt.Info.IsFromMe && !evt.Info.IsGroup {
		s.touchPresence(ctx, l, evt.Info.Chat)
	}
}

// presenceChosen records the session's send.presence and, when it became
// available, subscribes to every contact it follows.
func (s *Session) presenceChosen(ctx context.Context, l *link, state types.Presence) {
	s.subscribePresence(ctx, l, l.subs.setAvailable(state == types.PresenceAvailable))
}

// renewPresence runs at every connect: WhatsApp forgets a client's
// availability and its subscriptions with its connection. A session that
// was available says so again, then subscribes to the contacts it follows;
// in the background, so the Connected event is not held up by them.
func (s *Session) renewPresence(l *link) {
	conn, wasAvailable := l.subs.connected()
	if !wasAvailable {
		return
	}
	s.d.tasks.run(s.d.ctx, func(ctx context.Context) {
		if err := l.client.SendPresence(ctx, types.PresenceAvailable); err != nil {
			s.log.Warn("saying available again after connecting failed; contacts' presence stays away until send.presence", "error", err)
			return
		}
		s.subscribePresence(ctx, l, l.subs.availableAgain(conn))
	})
}

// subscribePresence subscribes to each contact. A failure costs only that
// contact's updates, so it is logged, not returned, and the contact's next
// touch tries again.
func (s *Session) subscribePresence(ctx context.Context, l *link, contacts []types.JID) {
	for _, c := range contacts {
		if err := l.client.SubscribePresence(ctx, c); err != nil {
			l.subs.failed(c)
			s.log.Warn("subscribing to a contact's presence failed", "chat", c.String(), "error", err)
		}
	}
}
