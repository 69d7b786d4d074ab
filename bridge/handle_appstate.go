package bridge

import (
	"context"
	"strconv"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// chatChange is one app-state change of a chat made on another device.
type chatChange struct {
	chat   types.JID
	at     time.Time
	action string // archive, pin, mute, read: part of the event's key
	apply  func(*events.ChatUpdated)
}

// appStateChange translates whatsmeow's app-state events of a chat; ok is
// false for anything else.
func appStateChange(raw any) (c chatChange, ok bool) {
	switch evt := raw.(type) {
	case *waEvents.Archive:
		v := evt.Action.GetArchived()
		return chatChange{evt.JID, evt.Timestamp, "archive", func(d *events.ChatUpdated) { d.Archived = &v }}, true
	case *waEvents.Pin:
		v := evt.Action.GetPinned()
		return chatChange{evt.JID, evt.Timestamp, "pin", func(d *events.ChatUpdated) { d.Pinned = &v }}, true
	case *waEvents.Mute:
		v, end := evt.Action.GetMuted(), evt.Action.GetMuteEndTimestamp()
		return chatChange{evt.JID, evt.Timestamp, "mute", func(d *events.ChatUpdated) {
			d.Muted = &v
			// -1 (whatsmeow's store.MutedForever) and 0 leave no end:
			// forever while muted.
			if v && end > 0 {
				until := time.UnixMilli(end).UTC()
				d.MutedUntil = &until
			}
		}}, true
	case *waEvents.MarkChatAsRead:
		v := evt.Action.GetRead()
		return chatChange{evt.JID, evt.Timestamp, "read", func(d *events.ChatUpdated) { d.Read = &v }}, true
	}
	return chatChange{}, false
}

// chatUpdatedEvent is the chat.updated of an app-state change, keyed by
// chat, action and WhatsApp's timestamp of it: the same change synced again
// has the same id.
func chatUpdatedEvent(session string, c chatChange) events.Event {
	chat := c.chat.ToNonAD()
	d := events.ChatUpdated{Chat: jidForms(chat), Timestamp: c.at.UTC(), Origin: events.OriginAppState}
	c.apply(&d)
	return events.Event{
		Type: events.TypeChatUpdated, Session: session, Subject: chat.String(), Time: d.Timestamp,
		Key:  chat.String() + "|" + c.action + "|" + strconv.FormatInt(c.at.UnixNano(), 10),
		Data: d,
	}
}

// contactChange translates whatsmeow's events about a contact's names.
func contactChange(raw any) (d events.ContactUpdated, at time.Time, ok bool) {
	switch evt := raw.(type) {
	case *waEvents.PushName:
		if evt.NewPushName == "" {
			return d, at, false
		}
		if evt.Message != nil {
			at = evt.Message.Timestamp
		}
		return events.ContactUpdated{Contact: jidForms(evt.JID, evt.JIDAlt), PushName: evt.NewPushName, OldPushName: evt.OldPushName}, at, true
	case *waEvents.BusinessName:
		if evt.NewBusinessName == "" {
			return d, at, false
		}
		if evt.Message != nil {
			at = evt.Message.Timestamp
		}
		return events.ContactUpdated{Contact: jidForms(evt.JID), BusinessName: evt.NewBusinessName}, at, true
	case *waEvents.Contact:
		a := evt.Action
		if a.GetFullName() == "" && a.GetFirstName() == "" {
			return d, at, false
		}
		jid := jidForms(evt.JID, parseJIDOrEmpty(a.GetPnJID()), parseJIDOrEmpty(a.GetLidJID()))
		return events.ContactUpdated{Contact: jid, FullName: a.GetFullName(), FirstName: a.GetFirstName()}, evt.Timestamp, true
	}
	return d, at, false
}

// contactEvent is the contact.updated of d, keyed by the contact and the
// names reported: the same names reported again have the same id. at is
// when WhatsApp saw them, or now when it did not say.
func contactEvent(session string, d events.ContactUpdated, at time.Time) events.Event {
	if at.IsZero() {
		at = time.Now()
	}
	return events.Event{
		Type: events.TypeContactUpdated, Session: session, Subject: d.Contact.JID, Time: at.UTC(),
		Key:  d.Contact.JID + "|" + d.PushName + "|" + d.FullName + "|" + d.FirstName + "|" + d.BusinessName,
		Data: d,
	}
}

// handleChatOrContact emits the chat.updated or contact.updated of raw;
// handled is false when raw is neither kind.
func (s *Session) handleChatOrContact(ctx context.Context, l *link, raw any) (ok, handled bool) {
	var e events.Event
	if c, isChat := appStateChange(raw); isChat {
		if c.chat.IsEmpty() {
			return true, true // no chat to tell about
		}
		e = chatUpdatedEvent(s.name, c)
	} else if d, at, isContact := contactChange(raw); isContact {
		if d.Contact.JID == "" {
			return true, true // no one to tell about
		}
		e = contactEvent(s.name, d, at)
	} else {
		return true, false
	}
	if err := s.keepInbound(ctx, l, &e); err != nil {
		s.log.Error("emitting chat or contact update failed", "ce_type", e.Type, "subject", e.Subject, "error", err)
		return false, true
	}
	return true, true
}
