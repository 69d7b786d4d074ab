package bridge

import (
	"context"
	"strconv"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// chatPresenceEvent is the chat.presence of a typing state. WhatsApp gives
// it neither id nor time, so its key carries when the bridge got it: a
// second "composing" a minute later is news, not a duplicate to drop.
func chatPresenceEvent(session string, evt *waEvents.ChatPresence, now time.Time) (events.Event, bool) {
	state := string(evt.State)
	switch {
	case evt.State == types.ChatPresenceComposing && evt.Media == types.ChatPresenceMediaAudio:
		state = "recording"
	case evt.State != types.ChatPresenceComposing && evt.State != types.ChatPresencePaused:
		return events.Event{}, false
	}
	chat := evt.Chat.ToNonAD()
	now = now.UTC()
	d := events.ChatPresence{
		Chat: chatForms(evt.MessageSource), Sender: jidForms(evt.Sender, evt.SenderAlt),
		IsGroup: evt.IsGroup, State: state, Timestamp: now,
	}
	if chat.IsEmpty() || d.Sender.JID == "" {
		return events.Event{}, false
	}
	return events.Event{
		Type: events.TypeChatPresence, Session: session, Subject: chat.String(), Time: now,
		Key:  chat.String() + "|" + d.Sender.JID + "|" + state + "|" + strconv.FormatInt(now.UnixNano(), 10),
		Data: d,
	}, true
}

// presenceEvent is the presence.updated of a contact's availability,
// keyed like chat.presence by when the bridge got it.
func presenceEvent(session string, evt *waEvents.Presence, now time.Time) (events.Event, bool) {
	contact := evt.From.ToNonAD()
	if contact.IsEmpty() {
		return events.Event{}, false
	}
	now = now.UTC()
	d := events.PresenceUpdated{Contact: jidForms(contact), Online: !evt.Unavailable, Timestamp: now}
	if !evt.LastSeen.IsZero() {
		seen := evt.LastSeen.UTC()
		d.LastSeen = &seen
	}
	return events.Event{
		Type: events.TypePresenceUpdated, Session: session, Subject: contact.String(), Time: now,
		Key:  contact.String() + "|" + strconv.FormatBool(d.Online) + "|" + strconv.FormatInt(now.UnixNano(), 10),
		Data: d,
	}, true
}

func (s *Session) handleChatPresence(ctx context.Context, l *link, evt *waEvents.ChatPresence) bool {
	e, ok := chatPresenceEvent(s.name, evt, time.Now())
	return !ok || s.keepOne(ctx, l, e)
}

func (s *Session) handlePresence(ctx context.Context, l *link, evt *waEvents.Presence) bool {
	e, ok := presenceEvent(s.name, evt, time.Now())
	return !ok || s.keepOne(ctx, l, e)
}
