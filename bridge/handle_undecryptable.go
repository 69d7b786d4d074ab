package bridge

import (
	"context"

	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// undecryptableEvent is the message.undecryptable of a message whatsmeow
// could not decrypt, keyed like the message itself would be: WhatsApp
// repeats it while the resent copy fails too, and that is one event.
func undecryptableEvent(session string, own identity, evt *waEvents.UndecryptableMessage) (events.Event, bool) {
	info := evt.Info
	chat := info.Chat.ToNonAD()
	if chat.IsEmpty() || info.ID == "" {
		return events.Event{}, false
	}
	d := events.MessageUndecryptable{
		ID: msgid.Format(info.IsFromMe, chat.String(), info.ID), WAID: info.ID,
		Chat: chatForms(info.MessageSource), Sender: senderForms(info.MessageSource, own),
		FromMe: info.IsFromMe, IsGroup: info.IsGroup, PushName: info.PushName,
		Timestamp: info.Timestamp.UTC(), Unavailable: evt.IsUnavailable,
		UnavailableType: string(evt.UnavailableType), Hidden: evt.DecryptFailMode == waEvents.DecryptFailHide,
	}
	return events.Event{
		Type: events.TypeMessageUndecryptable, Session: session, Subject: chat.String(), Time: d.Timestamp,
		Key:  chat.String() + "|" + info.Sender.ToNonAD().String() + "|" + info.ID,
		Data: d,
	}, true
}

func (s *Session) handleUndecryptable(ctx context.Context, l *link, evt *waEvents.UndecryptableMessage) bool {
	e, ok := undecryptableEvent(s.name, s.selfOf(l).identity(), evt)
	return !ok || s.keepOne(ctx, l, e)
}
