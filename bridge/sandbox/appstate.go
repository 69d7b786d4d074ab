package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// SendAppState applies an app-state patch to the virtual account, as the
// server does for every device of it, and then — as whatsmeow does after
// fetching the collection it just changed — keeps the new chat settings in
// the device store and dispatches each change as *events.Archive, *events.Mute
// or *events.Pin. The sandbox knows the chat mutations of chat.archive,
// chat.mute and chat.pin, and message.delete's deleteMessageForMe; other
// patches are unsupported.
func (c *Client) SendAppState(ctx context.Context, patch appstate.PatchInfo) error {
	c.mu.Lock()
	ownID, connected, settings := c.dev.GetJID(), c.connected, c.dev.ChatSettings
	c.mu.Unlock()
	if ownID.IsEmpty() {
		return whatsmeow.ErrNotLoggedIn
	}
	if !connected {
		return whatsmeow.ErrNotConnected
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ts := patch.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	// A patch is applied whole or not at all: decode every mutation first.
	changes := make([]chatSetting, 0, len(patch.Mutations))
	for _, m := range patch.Mutations {
		ch, err := decodeMutation(m, ts)
		if err != nil {
			return err
		}
		changes = append(changes, ch)
	}
	for _, ch := range changes {
		if settings != nil {
			if err := ch.keep(ctx, settings); err != nil {
				return fmt.Errorf("failed to update chat settings: %w", err)
			}
		}
		c.events.enqueue(delivery{evt: ch.echo})
	}
	return nil
}

// chatSetting is one decoded mutation: its echo event and how it changes
// the device store's chat settings.
type chatSetting struct {
	echo any
	keep func(ctx context.Context, s store.ChatSettingsStore) error
}

func decodeMutation(m appstate.MutationInfo, ts time.Time) (chatSetting, error) {
	if len(m.Index) < 2 || m.Value == nil {
		return chatSetting{}, errors.New("malformed app state mutation")
	}
	jid, err := types.ParseJID(m.Index[1])
	if err != nil {
		return chatSetting{}, fmt.Errorf("app state mutation for %q: %w", m.Index[1], err)
	}
	switch m.Index[0] {
	case appstate.IndexArchive:
		act := m.Value.GetArchiveChatAction()
		return chatSetting{echo: &events.Archive{JID: jid, Timestamp: ts, Action: act},
			keep: func(ctx context.Context, s store.ChatSettingsStore) error {
				return s.PutArchived(ctx, jid, act.GetArchived())
			}}, nil
	case appstate.IndexPin:
		act := m.Value.GetPinAction()
		return chatSetting{echo: &events.Pin{JID: jid, Timestamp: ts, Action: act},
			keep: func(ctx context.Context, s store.ChatSettingsStore) error {
				return s.PutPinned(ctx, jid, act.GetPinned())
			}}, nil
	case appstate.IndexMute:
		act := m.Value.GetMuteAction()
		until := mutedUntil(act.GetMuted(), act.GetMuteEndTimestamp())
		return chatSetting{echo: &events.Mute{JID: jid, Timestamp: ts, Action: act},
			keep: func(ctx context.Context, s store.ChatSettingsStore) error { return s.PutMutedUntil(ctx, jid, until) }}, nil
	case appstate.IndexDeleteMessageForMe:
		return deleteForMe(m, jid, ts) // appstate_delete.go
	}
	return chatSetting{}, fmt.Errorf("sandbox: app state mutation %q: %w", m.Index[0], errors.ErrUnsupported)
}

// mutedUntil reads a mute as whatsmeow does: a negative end is forever, no
// mute is the zero time.
func mutedUntil(muted bool, endMS int64) time.Time {
	switch {
	case !muted:
		return time.Time{}
	case endMS < 0:
		return store.MutedForever
	}
	return time.UnixMilli(endMS)
}
