package events

import "time"

// The types of what someone did to a message already in a chat: reacted to
// it, edited it, revoked it (deleted it for everyone).
const (
	TypeMessageReaction = "io.wabridge.message.reaction"
	TypeMessageEdited   = "io.wabridge.message.edited"
	TypeMessageRevoked  = "io.wabridge.message.revoked"
)

// MessageReaction is the data of io.wabridge.message.reaction. A reactor
// has at most one reaction per message: each replaces the previous one,
// and an empty emoji (Removed) withdraws it.
type MessageReaction struct {
	ID        string    `json:"id"`         // the reaction message in user form
	WAID      string    `json:"wa_id"`      // the reaction message's bare WhatsApp id
	MessageID string    `json:"message_id"` // the message reacted to, in user form (our point of view)
	Chat      JID       `json:"chat"`
	Reactor   JID       `json:"reactor"`
	IsGroup   bool      `json:"is_group"`
	FromMe    bool      `json:"from_me"` // reacted from another device of this account
	Emoji     string    `json:"emoji"`
	Removed   bool      `json:"removed"`
	Timestamp time.Time `json:"timestamp"`
}

// MessageEdited is the data of io.wabridge.message.edited: the sender
// replaced the text (or caption) of a message.
type MessageEdited struct {
	ID        string    `json:"id"`         // the edit message in user form
	WAID      string    `json:"wa_id"`      // the edit message's bare WhatsApp id
	MessageID string    `json:"message_id"` // the edited message in user form
	Chat      JID       `json:"chat"`
	Editor    JID       `json:"editor"`
	IsGroup   bool      `json:"is_group"`
	FromMe    bool      `json:"from_me"` // edited from another device of this account
	Text      string    `json:"text"`
	Timestamp time.Time `json:"timestamp"`
}

// MessageRevoked is the data of io.wabridge.message.revoked: a message was
// deleted for everyone, by its sender or by a group admin.
type MessageRevoked struct {
	ID        string    `json:"id"`         // the revoke message in user form
	WAID      string    `json:"wa_id"`      // the revoke message's bare WhatsApp id
	MessageID string    `json:"message_id"` // the revoked message in user form
	Chat      JID       `json:"chat"`
	RevokedBy JID       `json:"revoked_by"`
	IsGroup   bool      `json:"is_group"`
	FromMe    bool      `json:"from_me"` // revoked from another device of this account
	Timestamp time.Time `json:"timestamp"`
}
