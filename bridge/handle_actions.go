package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// isAction reports whether m acts on another message: a reaction, an edit
// (whatsmeow has unwrapped the EditedMessage wrapper into its protocol
// message) or a revoke.
func isAction(m *waE2E.Message) bool {
	if m.GetReactionMessage().GetKey() != nil {
		return true
	}
	pm := m.GetProtocolMessage()
	switch pm.GetType() {
	case waE2E.ProtocolMessage_REVOKE:
		return pm.GetKey() != nil
	case waE2E.ProtocolMessage_MESSAGE_EDIT:
		return pm.GetKey() != nil && pm.GetEditedMessage() != nil
	}
	return false
}

// handleAction emits the reaction, edit or revoke, with the raw message
// indexed in the same transaction as every other inbound message.
func (s *Session) handleAction(ctx context.Context, l *link, evt *waEvents.Message) bool {
	e := translateAction(s.name, s.selfOf(l).identity(), evt)
	put := s.d.index.PutWrite(s.name, storedFrom(evt))
	if err := s.keepInbound(ctx, l, &e, put); err != nil {
		s.log.Error("emitting message action failed; WhatsApp will redeliver",
			"ce_type", e.Type, "chat", e.Subject, "msg_id", evt.Info.ID, "error", err)
		return false
	}
	return true
}

// translateAction turns an evt for which isAction holds into its event.
// The key inside names the target from the actor's point of view (FromMe
// there is "the actor's own message"); pollIsOurs turns it into ours.
func translateAction(session string, own identity, evt *waEvents.Message) events.Event {
	info := evt.Info
	chat := info.Chat.ToNonAD()
	id := msgid.Format(info.IsFromMe, chat.String(), info.ID)
	actor := senderForms(info.MessageSource, own)
	var (
		typ  string
		data any
		key  interface {
			GetID() string
			GetFromMe() bool
			GetParticipant() string
		}
		at = info.Timestamp.UTC()
	)
	if r := evt.Message.GetReactionMessage(); r != nil {
		key, at = r.GetKey(), msTime(r.GetSenderTimestampMS(), at)
		typ = events.TypeMessageReaction
		data = events.MessageReaction{
			ID: id, WAID: info.ID, MessageID: targetID(info, own, chat, key),
			Chat: chatForms(info.MessageSource), Reactor: actor, IsGroup: info.IsGroup, FromMe: info.IsFromMe,
			Emoji: r.GetText(), Removed: r.GetText() == "", Timestamp: at,
		}
	} else if pm := evt.Message.GetProtocolMessage(); pm.GetType() == waE2E.ProtocolMessage_MESSAGE_EDIT {
		key, at = pm.GetKey(), msTime(pm.GetTimestampMS(), at)
		typ = events.TypeMessageEdited
		data = events.MessageEdited{
			ID: id, WAID: info.ID, MessageID: targetID(info, own, chat, key),
			Chat: chatForms(info.MessageSource), Editor: actor, IsGroup: info.IsGroup, FromMe: info.IsFromMe,
			Text: editedText(pm.GetEditedMessage()), Timestamp: at,
		}
	} else {
		key = pm.GetKey()
		typ = events.TypeMessageRevoked
		data = events.MessageRevoked{
			ID: id, WAID: info.ID, MessageID: targetID(info, own, chat, key),
			Chat: chatForms(info.MessageSource), RevokedBy: actor, IsGroup: info.IsGroup, FromMe: info.IsFromMe,
			Timestamp: at,
		}
	}
	return events.Event{
		Type: typ, Session: session, Subject: chat.String(), Time: at,
		Key:  chat.String() + "|" + info.Sender.ToNonAD().String() + "|" + info.ID,
		Data: data,
	}
}

// targetID is the acted-on message in user form, from our point of view.
func targetID(info types.MessageInfo, own identity, chat types.JID, key interface {
	GetID() string
	GetFromMe() bool
	GetParticipant() string
}) string {
	return msgid.Format(pollIsOurs(info, own, key), chat.String(), key.GetID())
}

// editedText is the new text of an edit: a text's, or a media caption's.
func editedText(m *waE2E.Message) string {
	if t := messageText(m); t != "" {
		return t
	}
	for _, c := range []interface{ GetCaption() string }{
		m.GetImageMessage(), m.GetVideoMessage(), m.GetDocumentMessage(),
	} {
		if t := c.GetCaption(); t != "" {
			return t
		}
	}
	return ""
}

// msTime is the actor's own timestamp when the message carries one,
// otherwise when WhatsApp delivered it.
func msTime(ms int64, fallback time.Time) time.Time {
	if ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	return fallback
}
