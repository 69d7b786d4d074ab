package bridge

import (
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// identity is the account's own JIDs (no device part), to tell our own
// messages and quotes of them apart.
type identity struct {
	pn, lid types.JID
}

func (id identity) is(jid types.JID) bool {
	if jid.IsEmpty() {
		return false
	}
	jid = jid.ToNonAD()
	return jid == id.pn || jid == id.lid
}

// jidForms gives a JID in every form known (CONTRACT §2): jid is the form
// WhatsApp addressed (the first non-empty), pn and lid are filled from
// whichever of the given JIDs is on that server. The server tells the form,
// so whatsmeow's AddressingMode adds nothing here.
func jidForms(primary types.JID, alts ...types.JID) events.JID {
	var j events.JID
	for _, x := range append([]types.JID{primary}, alts...) {
		if x.IsEmpty() {
			continue
		}
		x = x.ToNonAD()
		if j.JID == "" {
			j.JID = x.String()
		}
		switch x.Server {
		case types.DefaultUserServer:
			if j.PN == "" {
				j.PN = x.String()
			}
		case types.HiddenUserServer:
			if j.LID == "" {
				j.LID = x.String()
			}
		}
	}
	return j
}

// messageText is the text of a plain or extended text message.
func messageText(m *waE2E.Message) string {
	if t := m.GetConversation(); t != "" {
		return t
	}
	return m.GetExtendedTextMessage().GetText()
}

// translateMessage turns a whatsmeow message into a message.received (or
// message.sent, for what another device of the account sent). whatsmeow
// has unwrapped the view-once and ephemeral wrappers already (UnwrapRaw,
// for live and history messages alike) and says so in the event's flags.
// ok is false for what has no event type here: edits and protocol
// messages.
func translateMessage(session string, own identity, evt *waEvents.Message) (e events.Event, ok bool) {
	if evt.IsEdit {
		return events.Event{}, false
	}
	info := evt.Info
	chat := info.Chat.ToNonAD()
	data := events.MessageReceived{
		ID:        msgid.Format(info.IsFromMe, chat.String(), info.ID),
		WAID:      info.ID,
		Chat:      chatForms(info.MessageSource),
		Sender:    senderForms(info.MessageSource, own),
		FromMe:    info.IsFromMe,
		IsGroup:   info.IsGroup,
		PushName:  info.PushName,
		Timestamp: info.Timestamp.UTC(),
		ViewOnce:  evt.IsViewOnce,
	}
	ci, ok := fillContent(evt.Message, &data)
	if !ok {
		return events.Event{}, false
	}
	setMediaRef(session, &data) // translate_media.go
	data.Quoted = quotedRef(chat, own, ci)
	data.Mentions = ci.GetMentionedJID()
	data.Forwarded, data.ForwardingScore = ci.GetIsForwarded(), int(ci.GetForwardingScore())
	// Disappearing messages come wrapped from older clients and with the
	// chat's timer in their context from newer ones.
	data.Ephemeral = evt.IsEphemeral || ci.GetExpiration() > 0
	typ := events.TypeMessageReceived
	if info.IsFromMe {
		typ = events.TypeMessageSent
	}
	return events.Event{
		Type:    typ,
		Session: session,
		Subject: chat.String(),
		Time:    data.Timestamp,
		Key:     chat.String() + "|" + info.Sender.ToNonAD().String() + "|" + info.ID,
		Data:    data,
	}, true
}

// chatForms: in a direct chat the other party's alternative JID is the
// sender's (incoming) or the recipient's (sent by us); groups have one form.
func chatForms(src types.MessageSource) events.JID {
	switch {
	case src.IsGroup:
		return jidForms(src.Chat)
	case src.IsFromMe:
		return jidForms(src.Chat, src.RecipientAlt)
	default:
		return jidForms(src.Chat, src.SenderAlt)
	}
}

func senderForms(src types.MessageSource, own identity) events.JID {
	if src.IsFromMe {
		return jidForms(src.Sender, src.SenderAlt, own.pn, own.lid)
	}
	return jidForms(src.Sender, src.SenderAlt)
}

func quotedRef(chat types.JID, own identity, ci *waE2E.ContextInfo) *events.QuotedRef {
	id := ci.GetStanzaID()
	if id == "" {
		return nil
	}
	if remote, err := types.ParseJID(ci.GetRemoteJID()); err == nil && !remote.IsEmpty() && remote.User != "" {
		chat = remote.ToNonAD()
	}
	sender, _ := types.ParseJID(ci.GetParticipant())
	return &events.QuotedRef{
		ID:     msgid.Format(own.is(sender), chat.String(), id),
		WAID:   id,
		Sender: ci.GetParticipant(),
		Text:   messageText(ci.GetQuotedMessage()),
	}
}

// storedFrom is what the index keeps of any message, text or not.
// chatAlt is the other JID form of a one-to-one chat: the sender's for what
// the peer sent, the recipient's for what we sent from another device.
func chatAlt(src types.MessageSource) string {
	if src.IsGroup {
		return ""
	}
	alt := src.SenderAlt
	if src.IsFromMe {
		alt = src.RecipientAlt
	}
	if alt.IsEmpty() {
		return ""
	}
	return alt.ToNonAD().String()
}

func storedFrom(evt *waEvents.Message) StoredMessage {
	return StoredMessage{
		Chat:      evt.Info.Chat.ToNonAD().String(),
		ChatAlt:   chatAlt(evt.Info.MessageSource),
		ID:        evt.Info.ID,
		Sender:    evt.Info.Sender.ToNonAD().String(),
		FromMe:    evt.Info.IsFromMe,
		Timestamp: evt.Info.Timestamp,
		Text:      messageText(evt.Message),
		Message:   evt.Message,
		ViewOnce:  evt.IsViewOnce || viewOnce(evt.Message),
	}
}
