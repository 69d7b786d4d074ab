package events

// The kinds of message beyond plain text that message.received, .sent and
// .history carry (MessageReceived.Type): "text" (with LinkPreview when
// WhatsApp showed one), "location", "live_location", "contact" (one card in
// Contacts), "contacts" (several) and "poll". Each kind fills its own field
// and leaves the others empty, so a consumer switches on type alone.
const (
	KindText         = "text"
	KindLocation     = "location"
	KindLiveLocation = "live_location"
	KindContact      = "contact"
	KindContacts     = "contacts"
	KindPoll         = "poll"
)

// LinkPreview is the preview WhatsApp shows under a text with a link.
type LinkPreview struct {
	URL         string `json:"url"` // the link as the sender's client matched it in the text
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Location is a shared place (type location) or one update of a live
// location (type live_location). The live fields are zero when unknown.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"`
	Caption   string  `json:"caption,omitempty"`
	// Accuracy is in metres, Speed in metres per second, Heading in degrees
	// clockwise from magnetic north.
	Accuracy uint32  `json:"accuracy,omitempty"`
	Speed    float32 `json:"speed,omitempty"`
	Heading  uint32  `json:"heading,omitempty"`
	// Sequence numbers a live location's updates: a higher one is newer.
	Sequence int64 `json:"sequence,omitempty"`
}

// ContactCard is one shared contact: the name shown and its vCard as sent.
type ContactCard struct {
	DisplayName string `json:"display_name"`
	VCard       string `json:"vcard"`
}

// Poll is a poll's creation. Votes name the options by their text
// (poll.vote), so the options are all a consumer needs to count them.
type Poll struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
	// SelectableCount is how many options a voter may choose; 0 is any number.
	SelectableCount int `json:"selectable_count"`
}
