package sandbox

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// deleteForMe is a deleteMessageForMe mutation (message.delete): the
// server keeps it for the account's devices, and whatsmeow dispatches it as
// *events.DeleteForMe, reading the index [_, chat, id, fromMe, participant]
// as its appstate.go does. The device store keeps nothing of it.
func deleteForMe(m appstate.MutationInfo, chat types.JID, ts time.Time) (chatSetting, error) {
	if len(m.Index) < 5 {
		return chatSetting{}, errors.New("malformed deleteMessageForMe mutation")
	}
	evt := &events.DeleteForMe{
		ChatJID: chat, MessageID: m.Index[2], Timestamp: ts,
		Action: m.Value.GetDeleteMessageForMeAction(), IsFromMe: m.Index[3] == "1",
	}
	if m.Index[4] != "0" {
		evt.SenderJID, _ = types.ParseJID(m.Index[4])
	}
	return chatSetting{echo: evt, keep: func(context.Context, store.ChatSettingsStore) error { return nil }}, nil
}
