package bridge

import (
	"time"

	"github.com/wabridge/wabridge/internal/store"
)

// The request and result types of Session's operations. They carry plain
// strings so that packages calling the bridge (commands) need no whatsmeow
// import; the bridge parses and validates them.

// SendTextRequest is a text message to send.
type SendTextRequest struct {
	// To is a phone number (international digits, no '+') or a full JID.
	To   string
	Text string
	// ReplyTo is the quoted message: user form "<from_me>_<chat>_<id>" or a
	// bare WhatsApp id (then the chat is To).
	ReplyTo string
	// Mentions are phone numbers or JIDs mentioned in Text.
	Mentions []string
	// Forwarded marks the message as forwarded, as WhatsApp shows it.
	Forwarded bool
	// NoLinkPreview leaves out the preview of the link Text starts with
	// (link.go), which is added by default.
	NoLinkPreview bool
	// Key is the command's idempotency key (source + id); the WhatsApp
	// message id is derived from it, so a retried command re-sends under the
	// same id. Empty means a random id.
	Key string
}

// SendResult is what a send returns.
type SendResult struct {
	MessageID string    `json:"message_id"` // user form: true_<chat>_<wa_id>
	WAID      string    `json:"wa_id"`
	Chat      string    `json:"chat"`
	Timestamp time.Time `json:"timestamp"`
	// Cache stores the sent message in the raw message cache; the command
	// dispatcher commits it with the command's result (one transaction).
	Cache store.Write `json:"-"`
	// Preview says whether a link preview went with the message, for sends
	// that try one (send.link, send.message with a leading link).
	Preview *PreviewOutcome `json:"-"`
}

// LoginQR is the current QR code of a login in progress.
type LoginQR struct {
	Code      string    `json:"qr_code"`
	ExpiresAt time.Time `json:"expires_at"`
	Timeout   int       `json:"qr_duration"` // seconds the code stays valid
}

// Device is the linked WhatsApp device of a session.
type Device struct {
	Session   string `json:"session"`
	JID       string `json:"jid,omitempty"`
	LID       string `json:"lid,omitempty"`
	PushName  string `json:"push_name,omitempty"`
	Platform  string `json:"platform,omitempty"`
	LoggedIn  bool   `json:"logged_in"`
	Connected bool   `json:"connected"`
}
