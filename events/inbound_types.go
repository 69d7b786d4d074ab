package events

import "time"

// The types of what WhatsApp pushes about chats and contacts beyond single
// messages: past messages after pairing, sync progress, chat state changed on
// another device, and contacts' names.
const (
	TypeMessageHistory = "io.wabridge.message.history"
	TypeHistorySync    = "io.wabridge.history.sync"
	TypeChatUpdated    = "io.wabridge.chat.updated"
	TypeContactUpdated = "io.wabridge.contact.updated"
)

// Origins of a ChatUpdated: where the change was learnt.
const (
	OriginAppState    = "app_state"
	OriginHistorySync = "history_sync"
)

// HistorySync is the data of io.wabridge.history.sync: one blob of a history
// sync was emitted, with how many conversations and messages it carried.
type HistorySync struct {
	Type  string `json:"sync_type"`   // WhatsApp's sync type: INITIAL_BOOTSTRAP, RECENT, PUSH_NAME, ...
	Chunk int    `json:"chunk_order"` // WhatsApp's order of this blob within the sync
	// Progress is WhatsApp's percentage of the whole sync, 0 when it did not say.
	Progress      int `json:"progress"`
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
}

// ChatUpdated is the data of io.wabridge.chat.updated: the state of one chat
// as another device or the history sync reported it. Only the fields that
// changed are set; a nil field says nothing about that property.
type ChatUpdated struct {
	Chat     JID    `json:"chat"`
	Name     string `json:"name,omitempty"`
	Archived *bool  `json:"archived,omitempty"`
	Pinned   *bool  `json:"pinned,omitempty"`
	Muted    *bool  `json:"muted,omitempty"`
	// MutedUntil is when the mute ends; nil with Muted true is forever.
	MutedUntil *time.Time `json:"muted_until,omitempty"`
	// Read true: the chat was marked read (unread count 0); false: marked unread.
	Read *bool `json:"read,omitempty"`
	// UnreadCount is the count WhatsApp reported in a history sync.
	UnreadCount *int      `json:"unread_count,omitempty"`
	Timestamp   time.Time `json:"timestamp"`
	Origin      string    `json:"origin"` // OriginAppState or OriginHistorySync
}

// ContactUpdated is the data of io.wabridge.contact.updated: a contact's
// names as WhatsApp reported them; empty names were not reported.
type ContactUpdated struct {
	Contact  JID    `json:"contact"`
	PushName string `json:"push_name,omitempty"`
	// OldPushName is the push name before a change, when WhatsApp had one.
	OldPushName  string `json:"old_push_name,omitempty"`
	FullName     string `json:"full_name,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	BusinessName string `json:"business_name,omitempty"`
}
