package chatview

import (
	"context"
	"errors"
	"time"
)

// Errors a Reader answers with; callers match them with errors.Is.
var (
	// ErrBadCursor is a Before cursor that this package did not make.
	ErrBadCursor = errors.New("bad cursor")
	// ErrChatNotFound is a chat the store knows nothing about.
	ErrChatNotFound = errors.New("chat not found")
)

// Paging limits of both queries.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// MutedForever is the MutedUntil of a chat muted without an end, as WhatsApp
// lets users mute "always".
var MutedForever = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// Reader answers the chat queries of one session. *chatstore.Store
// implements it.
type Reader interface {
	ListChats(ctx context.Context, session string, q ChatQuery) (ChatPage, error)
	Messages(ctx context.Context, session, chat string, q MessageQuery) (MessagePage, error)
}

// Chat is one conversation as GET /chats lists it.
type Chat struct {
	JID             string     `json:"jid"`
	Name            string     `json:"name"`
	LastMessage     string     `json:"last_message"`
	LastMessageTime *time.Time `json:"last_message_time"`
	UnreadCount     int        `json:"unread_count"`
	Archived        bool       `json:"archived"`
	Pinned          bool       `json:"pinned"`
	IsGroup         bool       `json:"is_group"`
	// MutedUntil is nil when the chat is not muted, MutedForever when it is
	// muted without an end. A time in the past means the mute has ended.
	MutedUntil *time.Time `json:"muted_until"`
}

// ChatQuery selects and pages chats. Pinned chats come first, then the
// others, each newest last message first (as WhatsApp shows them).
type ChatQuery struct {
	Limit    int    // 0 → DefaultLimit; more than MaxLimit → MaxLimit
	Before   string // a ChatPage.NextCursor; "" starts at the top
	Archived *bool  // nil: both
	IsGroup  *bool  // nil: both
	Q        string // part of the name, case-insensitive
}

// ChatPage is one page of chats; NextCursor is "" on the last page.
type ChatPage struct {
	Chats      []Chat `json:"chats"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Message is one message of a chat as GET /chat/:jid/messages lists it.
type Message struct {
	ID        string     `json:"id"` // user form <from_me>_<chat_jid>_<wa_id>
	Message   string     `json:"message"`
	From      string     `json:"from"`
	Timestamp time.Time  `json:"timestamp"`
	Type      string     `json:"type"`
	FromMe    bool       `json:"from_me"`
	Quoted    *Quoted    `json:"quoted,omitempty"`
	Reactions []Reaction `json:"reactions,omitempty"`
	Edited    bool       `json:"edited"`
	Revoked   bool       `json:"revoked"`
	// Receipt is how far a message this account sent got: delivered,
	// read or played (in a group, the furthest any member got); absent
	// before any receipt.
	Receipt string `json:"receipt,omitempty"`
	// Media is the media reference of the event that brought the message
	// (CONTRACT §7), kept as the event carried it.
	Media any `json:"media,omitempty"`
	// Poll is a poll's options and votes (poll.go); absent for other
	// messages and for a revoked poll.
	Poll *Poll `json:"poll,omitempty"`
}

// Quoted is the message a message replies to.
type Quoted struct {
	ID     string `json:"id,omitempty"`
	WAID   string `json:"wa_id"`
	Sender string `json:"sender,omitempty"`
	Text   string `json:"text,omitempty"`
}

// Reaction is one participant's reaction to a message.
type Reaction struct {
	From      string    `json:"from"`
	Emoji     string    `json:"emoji"`
	Timestamp time.Time `json:"timestamp"`
}

// MessageQuery pages a chat's messages, newest first.
type MessageQuery struct {
	Limit  int        // 0 → DefaultLimit; more than MaxLimit → MaxLimit
	Before string     // a MessagePage.NextCursor; "" starts at the newest
	Since  *time.Time // only messages at or after this time
}

// MessagePage is one page of messages; NextCursor is "" on the last page.
type MessagePage struct {
	Messages   []Message `json:"messages"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// ClampLimit is the limit a query runs with.
func ClampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}
