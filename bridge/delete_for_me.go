package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waSyncAction"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// deleteForMeVersion is the mutation version WhatsApp's clients write for
// deleteMessageForMe (whatsmeow has no builder for it).
const deleteForMeVersion = 3

// DeleteForMe deletes a cached message on the account's devices only (an
// app-state patch every device applies); the other side keeps it. The chat
// store drops it when it applies the command's result.
func (s *Session) DeleteForMe(ctx context.Context, req MessageActionRequest) (ActionResult, error) {
	l, _, m, err := s.target(req)
	if err != nil {
		return ActionResult{}, err
	}
	chat, err := chatOf(m)
	if err != nil {
		return ActionResult{}, err
	}
	if err := l.client.SendAppState(ctx, deleteForMePatch(chat, m)); err != nil {
		return ActionResult{}, classify(err, op(chat, "deleting message %s for me", m.ID))
	}
	return ActionResult{MessageID: userForm(m), Chat: m.Chat, Timestamp: l.now().UTC()}, nil
}

// deleteForMePatch is the patch WhatsApp's clients send: index
// [deleteMessageForMe, chat, id, fromMe, participant], the participant "0"
// outside groups and for our own messages, as for stars.
func deleteForMePatch(chat types.JID, m StoredMessage) appstate.PatchInfo {
	fromMe, participant := "0", "0"
	if m.FromMe {
		fromMe = "1"
	} else if chat.Server == types.GroupServer {
		participant = m.Sender
	}
	return appstate.PatchInfo{
		Type: appstate.WAPatchRegularHigh,
		Mutations: []appstate.MutationInfo{{
			Index:   []string{appstate.IndexDeleteMessageForMe, chat.String(), m.ID, fromMe, participant},
			Version: deleteForMeVersion,
			Value: &waSyncAction.SyncActionValue{DeleteMessageForMeAction: &waSyncAction.DeleteMessageForMeAction{
				DeleteMedia:      proto.Bool(true),
				MessageTimestamp: proto.Int64(m.Timestamp.Unix()),
			}},
		}},
	}
}
