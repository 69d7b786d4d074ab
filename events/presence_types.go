package events

import "time"

// The types of what WhatsApp tells about messages and people beyond their
// content: receipts, typing, availability, calls, and messages that could
// not be decrypted.
const (
	TypeMessageReceipt       = "io.wabridge.message.receipt"
	TypeChatPresence         = "io.wabridge.chat.presence"
	TypePresenceUpdated      = "io.wabridge.presence.updated"
	TypeCallOffer            = "io.wabridge.call.offer"
	TypeMessageUndecryptable = "io.wabridge.message.undecryptable"
)

// Receipt kinds of a MessageReceipt.
const (
	ReceiptDelivered = "delivered"
	ReceiptRead      = "read"
	ReceiptPlayed    = "played"
)

// MessageReceipt is the data of io.wabridge.message.receipt: one message
// this account sent was delivered to, read or played by one person (in a
// group, each participant sends their own).
type MessageReceipt struct {
	ID        string    `json:"id"`    // user form of the message: true_<chat>_<wa_id>
	WAID      string    `json:"wa_id"` // bare WhatsApp message id
	Chat      JID       `json:"chat"`
	Reader    JID       `json:"reader"` // who received, read or played it
	IsGroup   bool      `json:"is_group"`
	Receipt   string    `json:"receipt"` // delivered, read or played
	Timestamp time.Time `json:"timestamp"`
}

// ChatPresence is the data of io.wabridge.chat.presence: someone started
// or stopped typing or recording in a chat.
type ChatPresence struct {
	Chat    JID    `json:"chat"`
	Sender  JID    `json:"sender"`
	IsGroup bool   `json:"is_group"`
	State   string `json:"state"` // composing, recording or paused
	// Timestamp is when the bridge got it: WhatsApp does not date typing.
	Timestamp time.Time `json:"timestamp"`
}

// PresenceUpdated is the data of io.wabridge.presence.updated: a contact
// came online or went offline.
type PresenceUpdated struct {
	Contact JID  `json:"contact"`
	Online  bool `json:"online"`
	// LastSeen is when the contact was last online, absent when hidden.
	LastSeen  *time.Time `json:"last_seen,omitempty"`
	Timestamp time.Time  `json:"timestamp"` // when the bridge got it
}

// CallOffer is the data of io.wabridge.call.offer: someone is calling.
type CallOffer struct {
	CallID string `json:"call_id"`
	Caller JID    `json:"caller"`
	// Group is the group of a group call.
	Group *JID   `json:"group,omitempty"`
	Media string `json:"media"` // voice or video
	// Platform is the caller's WhatsApp client, when told.
	Platform string `json:"platform,omitempty"`
	// Rejected: the bridge rejects the call (configured to reject calls).
	Rejected  bool      `json:"rejected"`
	Timestamp time.Time `json:"timestamp"`
}

// MessageUndecryptable is the data of io.wabridge.message.undecryptable:
// a message arrived that this device cannot decrypt. WhatsApp asks the
// sender to send it again; a later message.received with the same id is
// the same message, decrypted.
type MessageUndecryptable struct {
	ID        string    `json:"id"`
	WAID      string    `json:"wa_id"`
	Chat      JID       `json:"chat"`
	Sender    JID       `json:"sender"`
	FromMe    bool      `json:"from_me"`
	IsGroup   bool      `json:"is_group"`
	PushName  string    `json:"push_name,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	// Unavailable: the sender sent no ciphertext for this device at all.
	Unavailable bool `json:"unavailable"`
	// UnavailableType is WhatsApp's reason for an intended one, e.g. view_once.
	UnavailableType string `json:"unavailable_type,omitempty"`
	// Hidden: WhatsApp asks clients not to show a placeholder for it.
	Hidden bool `json:"hidden"`
}
