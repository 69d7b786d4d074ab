package bridge

import (
	"go.mau.fi/whatsmeow/proto/waE2E"

	"github.com/wabridge/wabridge/events"
)

// fillContent sets d's type and the content of its kind from m, and returns
// the content's context info (quote, mentions, forwarding), which WhatsApp
// keeps inside each content type rather than beside it. ok is false for a
// kind that has no translation here (reactions, protocol messages).
func fillContent(m *waE2E.Message, d *events.MessageReceived) (ci *waE2E.ContextInfo, ok bool) {
	switch {
	case m.GetConversation() != "":
		d.Type, d.Text = events.KindText, m.GetConversation()
		return nil, true
	case m.GetExtendedTextMessage().GetText() != "":
		return fillExtendedText(m.GetExtendedTextMessage(), d), true
	case m.GetLocationMessage() != nil:
		return fillLocation(m.GetLocationMessage(), d), true
	case m.GetLiveLocationMessage() != nil:
		return fillLiveLocation(m.GetLiveLocationMessage(), d), true
	case m.GetContactMessage() != nil:
		c := m.GetContactMessage()
		d.Type, d.Contacts = events.KindContact, []events.ContactCard{contactCard(c)}
		return c.GetContextInfo(), true
	case len(m.GetContactsArrayMessage().GetContacts()) > 0:
		return fillContacts(m.GetContactsArrayMessage(), d), true
	case m.GetImageMessage() != nil:
		return fillImage(m.GetImageMessage(), d), true
	case m.GetVideoMessage() != nil:
		return fillVideo(m.GetVideoMessage(), false, d), true
	case m.GetPtvMessage() != nil:
		return fillVideo(m.GetPtvMessage(), true, d), true
	case m.GetAudioMessage() != nil:
		return fillAudio(m.GetAudioMessage(), d), true
	case documentOf(m) != nil:
		return fillDocument(documentOf(m), d), true
	case m.GetStickerMessage() != nil:
		return fillSticker(m.GetStickerMessage(), d), true
	}
	if p := pollCreation(m); p != nil {
		d.Type, d.Poll = events.KindPoll, pollOf(p)
		return p.GetContextInfo(), true
	}
	return nil, false
}

func fillExtendedText(x *waE2E.ExtendedTextMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type, d.Text = events.KindText, x.GetText()
	// MatchedText is the link the sender's client found and previewed;
	// without it a title or description has nothing to belong to.
	if url := x.GetMatchedText(); url != "" {
		d.LinkPreview = &events.LinkPreview{URL: url, Title: x.GetTitle(), Description: x.GetDescription()}
	}
	return x.GetContextInfo()
}

// fillLocation: a LocationMessage marked live is what older clients send
// for a live location's first update.
func fillLocation(x *waE2E.LocationMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type = events.KindLocation
	if x.GetIsLive() {
		d.Type = events.KindLiveLocation
	}
	d.Location = &events.Location{
		Latitude: x.GetDegreesLatitude(), Longitude: x.GetDegreesLongitude(),
		Name: x.GetName(), Address: x.GetAddress(), URL: x.GetURL(), Caption: x.GetComment(),
		Accuracy: x.GetAccuracyInMeters(), Speed: x.GetSpeedInMps(), Heading: x.GetDegreesClockwiseFromMagneticNorth(),
	}
	return x.GetContextInfo()
}

func fillLiveLocation(x *waE2E.LiveLocationMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type = events.KindLiveLocation
	d.Location = &events.Location{
		Latitude: x.GetDegreesLatitude(), Longitude: x.GetDegreesLongitude(), Caption: x.GetCaption(),
		Accuracy: x.GetAccuracyInMeters(), Speed: x.GetSpeedInMps(), Heading: x.GetDegreesClockwiseFromMagneticNorth(),
		Sequence: x.GetSequenceNumber(),
	}
	return x.GetContextInfo()
}

// fillContacts: a contacts array of one card is still type contacts, as
// the sender's client chose the array.
func fillContacts(x *waE2E.ContactsArrayMessage, d *events.MessageReceived) *waE2E.ContextInfo {
	d.Type = events.KindContacts
	for _, c := range x.GetContacts() {
		d.Contacts = append(d.Contacts, contactCard(c))
	}
	return x.GetContextInfo()
}

func contactCard(c *waE2E.ContactMessage) events.ContactCard {
	return events.ContactCard{DisplayName: c.GetDisplayName(), VCard: c.GetVcard()}
}

// pollCreation finds a poll in any of the fields WhatsApp has used for
// one: V2, V3 and V5 are the same message under other numbers, V4 wraps a
// message of its own (a FutureProofMessage, which UnwrapRaw leaves alone).
func pollCreation(m *waE2E.Message) *waE2E.PollCreationMessage {
	for _, p := range []*waE2E.PollCreationMessage{
		m.GetPollCreationMessage(), m.GetPollCreationMessageV2(),
		m.GetPollCreationMessageV3(), m.GetPollCreationMessageV5(),
	} {
		if p != nil {
			return p
		}
	}
	if inner := m.GetPollCreationMessageV4().GetMessage(); inner != nil && inner != m {
		return pollCreation(inner)
	}
	return nil
}

func pollOf(p *waE2E.PollCreationMessage) *events.Poll {
	poll := &events.Poll{Question: p.GetName(), Options: []string{}, SelectableCount: int(p.GetSelectableOptionsCount())}
	for _, o := range p.GetOptions() {
		poll.Options = append(poll.Options, o.GetOptionName())
	}
	return poll
}
