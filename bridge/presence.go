package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// presenceSender is the part of a session's client that tells WhatsApp
// the account's availability and its typing state in a chat.
type presenceSender interface {
	SendPresence(ctx context.Context, state types.Presence) error
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
}

var _ presenceSender = (*whatsmeow.Client)(nil)

// PresenceResult is what send.presence did.
type PresenceResult struct {
	Presence  string    `json:"presence"` // available or unavailable
	Timestamp time.Time `json:"timestamp"`
}

// ChatPresenceRequest is a typing state to show in a chat.
type ChatPresenceRequest struct {
	Phone    string // the chat: phone number or JID
	Presence string // composing or paused
	Media    string // text (default) or audio: composing audio shows "recording"
}

// ChatPresenceResult is what send.chat_presence did.
type ChatPresenceResult struct {
	Chat      string    `json:"chat"`
	Presence  string    `json:"presence"`
	Media     string    `json:"media"`
	Timestamp time.Time `json:"timestamp"`
}

// SendPresence marks the account online (available) or offline
// (unavailable) for its contacts. WhatsApp sends contacts' typing states
// only to an account that is available.
func (s *Session) SendPresence(ctx context.Context, presence string) (PresenceResult, error) {
	state := types.Presence(presence)
	if state != types.PresenceAvailable && state != types.PresenceUnavailable {
		return PresenceResult{}, werr.Invalid(werr.CodeInvalidPayload, "presence must be available or unavailable, not %q", presence)
	}
	l, err := s.online()
	if err != nil {
		return PresenceResult{}, err
	}
	if err := l.client.SendPresence(ctx, state); err != nil {
		return PresenceResult{}, classify(err, op(types.EmptyJID, "sending presence %s", presence))
	}
	s.presenceChosen(ctx, l, state) // presence_subscribe.go
	return PresenceResult{Presence: presence, Timestamp: time.Now().UTC().Truncate(time.Second)}, nil
}

// SendChatPresence shows the chat's other side that the account is typing
// (composing text), recording (composing audio) or stopped (paused).
func (s *Session) SendChatPresence(ctx context.Context, req ChatPresenceRequest) (ChatPresenceResult, error) {
	state, media, err := chatPresenceOf(req)
	if err != nil {
		return ChatPresenceResult{}, err
	}
	chat, err := ParseRecipient(req.Phone)
	if err != nil {
		return ChatPresenceResult{}, err
	}
	l, err := s.online()
	if err != nil {
		return ChatPresenceResult{}, err
	}
	if err := l.client.SendChatPresence(ctx, chat, state, media); err != nil {
		return ChatPresenceResult{}, classify(err, op(chat, "sending chat presence %s", state))
	}
	s.touchPresence(ctx, l, chat) // presence_subscribe.go
	return ChatPresenceResult{
		Chat: chat.String(), Presence: string(state), Media: mediaName(media),
		Timestamp: time.Now().UTC().Truncate(time.Second),
	}, nil
}

// chatPresenceOf checks req's state and media; whatsmeow names text media
// "" and sends the media only with composing.
func chatPresenceOf(req ChatPresenceRequest) (types.ChatPresence, types.ChatPresenceMedia, error) {
	state := types.ChatPresence(req.Presence)
	if state != types.ChatPresenceComposing && state != types.ChatPresencePaused {
		return "", "", werr.Invalid(werr.CodeInvalidPayload, "presence must be composing or paused, not %q", req.Presence)
	}
	switch req.Media {
	case "", "text":
		return state, types.ChatPresenceMediaText, nil
	case "audio":
		return state, types.ChatPresenceMediaAudio, nil
	}
	return "", "", werr.Invalid(werr.CodeInvalidPayload, "media must be text or audio, not %q", req.Media)
}

func mediaName(m types.ChatPresenceMedia) string {
	if m == types.ChatPresenceMediaAudio {
		return "audio"
	}
	return "text"
}
