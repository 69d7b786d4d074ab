package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// appStateSender is the app-state part of a session's client: archive,
// mute and pin are patches of the account's synced state, which every
// device of the account (the phone included) applies.
type appStateSender interface {
	SendAppState(ctx context.Context, patch appstate.PatchInfo) error
}

var _ appStateSender = (*whatsmeow.Client)(nil)

// ChatChange is what a chat.archive, chat.mute or chat.pin changed. The
// store learns of it from the echo whatsmeow dispatches after the patch
// (as chat.updated); this is the command's own answer.
type ChatChange struct {
	Chat string `json:"chat_jid"`
	// Exactly one of the three is set, the one the command changed.
	Archived *bool `json:"archived,omitempty"`
	Pinned   *bool `json:"pinned,omitempty"`
	Muted    *bool `json:"muted,omitempty"`
	// MutedUntil is the end of a mute with a duration; nil with Muted true
	// means forever.
	MutedUntil *time.Time `json:"muted_until,omitempty"`
}

// ArchiveChat archives or unarchives chat. Archiving also unpins it, as
// WhatsApp does (appstate.BuildArchive adds the unpin).
func (s *Session) ArchiveChat(ctx context.Context, chat string, archive bool) (ChatChange, error) {
	jid, err := ParseRecipient(chat)
	if err != nil {
		return ChatChange{}, err
	}
	patch := appstate.BuildArchive(jid, archive, time.Time{}, nil)
	if err := s.sendAppState(ctx, jid, patch, "archiving chat %s"); err != nil {
		return ChatChange{}, err
	}
	return ChatChange{Chat: jid.String(), Archived: &archive}, nil
}

// PinChat pins or unpins chat.
func (s *Session) PinChat(ctx context.Context, chat string, pin bool) (ChatChange, error) {
	jid, err := ParseRecipient(chat)
	if err != nil {
		return ChatChange{}, err
	}
	if err := s.sendAppState(ctx, jid, appstate.BuildPin(jid, pin), "pinning chat %s"); err != nil {
		return ChatChange{}, err
	}
	return ChatChange{Chat: jid.String(), Pinned: &pin}, nil
}

// MuteChat mutes chat for d (forever when d is 0) or unmutes it. The end
// is computed here, not by appstate.BuildMute, so the answer names the
// same instant as the patch.
func (s *Session) MuteChat(ctx context.Context, chat string, mute bool, d time.Duration) (ChatChange, error) {
	jid, err := ParseRecipient(chat)
	if err != nil {
		return ChatChange{}, err
	}
	change := ChatChange{Chat: jid.String(), Muted: &mute}
	var end *int64
	if mute && d > 0 {
		until := time.Now().Add(d).Truncate(time.Millisecond).UTC()
		end = proto.Int64(until.UnixMilli())
		change.MutedUntil = &until
	}
	if err := s.sendAppState(ctx, jid, appstate.BuildMuteAbs(jid, mute, end), "muting chat %s"); err != nil {
		return ChatChange{}, err
	}
	return change, nil
}

func (s *Session) sendAppState(ctx context.Context, chat types.JID, patch appstate.PatchInfo, what string) error {
	l, err := s.online()
	if err != nil {
		return err
	}
	if err := l.client.SendAppState(ctx, patch); err != nil {
		return classify(err, op(chat, what, chat))
	}
	return nil
}

// online is the session's link when it can talk to WhatsApp now.
func (s *Session) online() (*link, error) {
	l, me := s.view()
	if !l.loggedIn(me) {
		return nil, errNotLoggedIn(s.name)
	}
	if !l.client.IsConnected() {
		return nil, errNotConnected(s.name)
	}
	return l, nil
}
