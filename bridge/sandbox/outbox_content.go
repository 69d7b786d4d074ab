package sandbox

import "go.mau.fi/whatsmeow/proto/waE2E"

// conversationContent is what the outbox shows of a location, a contact
// card or a poll (Delivery embeds it).
type conversationContent struct {
	Location *DeliveredLocation `json:"location,omitempty"`
	VCard    string             `json:"vcard,omitempty"` // a contact card's vCard text
	Poll     *DeliveredPoll     `json:"poll,omitempty"`

	mediaContent // outbox_media.go: image, video, audio, document, sticker
}

// DeliveredLocation is a location pin as the recipient's phone shows it.
type DeliveredLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"`
}

// DeliveredPoll is a poll as the recipient's phone shows it.
type DeliveredPoll struct {
	Question        string   `json:"question"`
	Options         []string `json:"options"`
	SelectableCount int      `json:"selectable_count"`
}

// describeConversation reads a location, contact or poll message; ok is
// false for other kinds.
func describeConversation(msg *waE2E.Message) (d Delivery, ok bool) {
	switch {
	case msg.GetLocationMessage() != nil:
		l := msg.GetLocationMessage()
		d.Type, d.Message = "location", l.GetName()
		d.Location = &DeliveredLocation{
			Latitude: l.GetDegreesLatitude(), Longitude: l.GetDegreesLongitude(),
			Name: l.GetName(), Address: l.GetAddress(), URL: l.GetURL(),
		}
	case msg.GetContactMessage() != nil:
		d.Type, d.Message, d.VCard = "contact", msg.GetContactMessage().GetDisplayName(), msg.GetContactMessage().GetVcard()
	case msg.GetPollCreationMessage() != nil:
		p := msg.GetPollCreationMessage()
		d.Type, d.Message = "poll", p.GetName()
		d.Poll = &DeliveredPoll{Question: p.GetName(), Options: []string{}, SelectableCount: int(p.GetSelectableOptionsCount())}
		for _, o := range p.GetOptions() {
			d.Poll.Options = append(d.Poll.Options, o.GetOptionName())
		}
	default:
		return describeMedia(msg) // outbox_media.go
	}
	return d, true
}
