package events

import (
	"context"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/store"
	"time"
)

// Prefix of every CloudEvent type wabridge emits for a WhatsApp event.
const TypePrefix = ident.TypePrefix

// The event catalog (CONTRACT §7). Add a type here, its data struct below or
// in its own file, and its schema under schemas/events/.
const (
	TypeMessageReceived       = "io.wabridge.message.received"
	TypeMessageSent           = "io.wabridge.message.sent"
	TypeSessionQR             = "io.wabridge.session.qr"
	TypeSessionPaired         = "io.wabridge.session.paired"
	TypeSessionConnected      = "io.wabridge.session.connected"
	TypeSessionDisconnected   = "io.wabridge.session.disconnected"
	TypeSessionLoggedOut      = "io.wabridge.session.logged_out"
	TypeSessionStreamReplaced = "io.wabridge.session.stream_replaced"
	TypeSessionTemporaryBan   = "io.wabridge.session.temporary_ban"
)

// Event is a WhatsApp event as the bridge hands it over, before it becomes a
// CloudEvent. The bridge fills it from whatsmeow's events; this package gives
// it its CloudEvent id, source and subject.
type Event struct {
	Type    string    // one of the Type* constants
	Session string    // session name
	Subject string    // chat JID the event is about, if any
	Time    time.Time // when WhatsApp says it happened
	// Key identifies the WhatsApp occurrence uniquely within session and type
	// (e.g. chat + sender + message id). The CloudEvent id is derived from
	// session, type and key, so a redelivered WhatsApp event gets the same id.
	Key  string
	Data any // one of the data structs; marshalled as JSON
}

// Sink receives events from the bridge. Emit returns nil only once the event
// is durable (the outbox has fsynced it); the bridge acks WhatsApp after that.
// The writes in also (the raw message cache, say) are committed in the same
// transaction as the event: both are kept or neither is.
type Sink interface {
	Emit(ctx context.Context, e Event, also ...store.Write) error
	// EmitAll keeps every event of es, in order, with the writes in also,
	// in one transaction: all or nothing (a history sync blob is one).
	EmitAll(ctx context.Context, es []Event, also ...store.Write) error
}

// JID is a WhatsApp identity in every form known: jid is the form WhatsApp
// addressed, pn the phone-number form, lid the LID form.
type JID struct {
	JID string `json:"jid"`
	PN  string `json:"pn,omitempty"`
	LID string `json:"lid,omitempty"`
}

// MessageReceived is the data of io.wabridge.message.received and
// io.wabridge.message.sent.
type MessageReceived struct {
	ID        string    `json:"id"`    // <from_me>_<chat_jid>_<wa_id>
	WAID      string    `json:"wa_id"` // bare WhatsApp message id
	Chat      JID       `json:"chat"`
	Sender    JID       `json:"sender"`
	FromMe    bool      `json:"from_me"`
	IsGroup   bool      `json:"is_group"`
	PushName  string    `json:"push_name,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	Type      string    `json:"type"` // text, location, ... (message_kinds.go)
	Text      string    `json:"text,omitempty"`
	// The content of the kinds beyond text; only the one of Type is set.
	LinkPreview *LinkPreview  `json:"link_preview,omitempty"`
	Location    *Location     `json:"location,omitempty"`
	Contacts    []ContactCard `json:"contacts,omitempty"`
	Poll        *Poll         `json:"poll,omitempty"`
	// Caption is a media message's caption; Media references its content
	// (media_types.go), set for the media kinds only.
	Caption string `json:"caption,omitempty"`
	Media   *Media `json:"media,omitempty"`
	// Forwarded marks a forwarded message; ForwardingScore is how often it
	// was forwarded on its way here (WhatsApp's "forwarded many times" at 5).
	Forwarded       bool `json:"forwarded,omitempty"`
	ForwardingScore int  `json:"forwarding_score,omitempty"`
	// Quoted is the message this one replies to, if any.
	Quoted *QuotedRef `json:"quoted,omitempty"`
	// Mentions are the JIDs mentioned in the text.
	Mentions  []string `json:"mentions,omitempty"`
	ViewOnce  bool     `json:"view_once,omitempty"`
	Ephemeral bool     `json:"ephemeral,omitempty"`
}

// QuotedRef points at a quoted message.
type QuotedRef struct {
	ID     string `json:"id"`    // user form, when the chat is known
	WAID   string `json:"wa_id"` // bare WhatsApp id
	Sender string `json:"sender,omitempty"`
	Text   string `json:"text,omitempty"`
}

// SessionState is the data of the io.wabridge.session.* events.
type SessionState struct {
	State string `json:"state"` // qr, paired, connected, disconnected, logged_out, stream_replaced, temporary_ban
	// Seq numbers the session's state events, so a consumer can order them
	// where WhatsApp reports them concurrently (CONTRACT §7).
	Seq      uint64 `json:"seq"`
	JID      *JID   `json:"jid,omitempty"`
	PushName string `json:"push_name,omitempty"`
	Platform string `json:"platform,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// QR code content and its expiry, only on session.qr.
	QRCode    string     `json:"qr_code,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Ban expiry, only on session.temporary_ban.
	BanExpires *time.Time `json:"ban_expires,omitempty"`
}
