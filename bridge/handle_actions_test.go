package bridge_test

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// actionEvent is raw as whatsmeow hands it over: unwrapped by UnwrapRaw,
// which turns an EditedMessage wrapper into its protocol message (IsEdit).
func actionEvent(chat, sender types.JID, fromMe bool, id string, raw *waE2E.Message) *waEvents.Message {
	evt := &waEvents.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: sender, IsFromMe: fromMe, IsGroup: chat.Server == types.GroupServer},
			ID:            id, Timestamp: fixedTime,
		},
		RawMessage: raw,
	}
	return evt.UnwrapRaw()
}

func reaction(k *waCommon.MessageKey, emoji string) *waE2E.Message {
	return &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
		Key: k, Text: proto.String(emoji), SenderTimestampMS: proto.Int64(fixedTime.UnixMilli() + 1000),
	}}
}

// edit is an edit as WhatsApp sends it: the protocol message inside an
// EditedMessage wrapper.
func edit(key *waCommon.MessageKey, text string) *waE2E.Message {
	return &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: key,
			EditedMessage: &waE2E.Message{Conversation: proto.String(text)},
			TimestampMS:   proto.Int64(fixedTime.UnixMilli() + 2000),
		},
	}}}
}

func revoke(key *waCommon.MessageKey) *waE2E.Message {
	return &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: key}}
}

func actKey(remote types.JID, fromMe bool, id string, participant types.JID) *waCommon.MessageKey {
	k := &waCommon.MessageKey{RemoteJID: proto.String(remote.String()), FromMe: proto.Bool(fromMe), ID: proto.String(id)}
	if !participant.IsEmpty() {
		k.Participant = proto.String(participant.String())
	}
	return k
}

// Reactions, edits and revokes, from contacts and from this account's
// other devices, become their events with the target in our user form:
// the keys inside are written from the actor's point of view.
func TestActionsBecomeEvents(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	ownDevice := types.NewADJID(ownPN.User, 0, 3)
	tests := []struct {
		name       string
		evt        *waEvents.Message
		wantType   string
		wantTarget string
	}{
		{"alice reacts to our message", actionEvent(alicePN, alicePN, false, "3EB0RA01", reaction(actKey(ownPN, false, "3EB0OURS01", types.EmptyJID), "👍")),
			events.TypeMessageReaction, "true_" + alicePN.String() + "_3EB0OURS01"},
		{"alice reacts to her own message", actionEvent(alicePN, alicePN, false, "3EB0RA02", reaction(actKey(ownPN, true, "3EB0HERS01", types.EmptyJID), "❤️")),
			events.TypeMessageReaction, "false_" + alicePN.String() + "_3EB0HERS01"},
		{"our other device removes a reaction to alice's message", actionEvent(alicePN, ownDevice, true, "3EB0RA03", reaction(actKey(alicePN, false, "3EB0HERS01", types.EmptyJID), "")),
			events.TypeMessageReaction, "false_" + alicePN.String() + "_3EB0HERS01"},
		{"bob reacts in a group to our message", actionEvent(group, bobPN, false, "3EB0RA04", reaction(actKey(group, false, "3EB0OURS02", ownPN), "😂")),
			events.TypeMessageReaction, "true_" + group.String() + "_3EB0OURS02"},
		{"bob reacts in a group to alice's message", actionEvent(group, bobPN, false, "3EB0RA05", reaction(actKey(group, false, "3EB0ALICE1", alicePN), "😂")),
			events.TypeMessageReaction, "false_" + group.String() + "_3EB0ALICE1"},
		{"alice edits her message", actionEvent(alicePN, alicePN, false, "3EB0ED01", edit(actKey(ownPN, true, "3EB0HERS01", types.EmptyJID), "see you at 8")),
			events.TypeMessageEdited, "false_" + alicePN.String() + "_3EB0HERS01"},
		{"our other device edits our message", actionEvent(alicePN, ownDevice, true, "3EB0ED02", edit(actKey(alicePN, true, "3EB0OURS01", types.EmptyJID), "fixed")),
			events.TypeMessageEdited, "true_" + alicePN.String() + "_3EB0OURS01"},
		{"alice revokes her message", actionEvent(alicePN, alicePN, false, "3EB0RV01", revoke(actKey(ownPN, true, "3EB0HERS01", types.EmptyJID))),
			events.TypeMessageRevoked, "false_" + alicePN.String() + "_3EB0HERS01"},
		{"admin bob revokes our message in a group", actionEvent(group, bobPN, false, "3EB0RV02", revoke(actKey(group, false, "3EB0OURS02", ownPN))),
			events.TypeMessageRevoked, "true_" + group.String() + "_3EB0OURS02"},
		{"our other device revokes our message", actionEvent(group, ownDevice, true, "3EB0RV03", revoke(actKey(group, true, "3EB0OURS02", types.EmptyJID))),
			events.TypeMessageRevoked, "true_" + group.String() + "_3EB0OURS02"},
	}
	var all []events.Event
	for _, tt := range tests {
		e.sink.reset()
		if !c.push(tt.evt) {
			t.Fatalf("%s: not handled", tt.name)
		}
		got := e.sink.ofType(tt.wantType)
		if len(got) != 1 || len(e.sink.ofType(events.TypeMessageReceived))+len(e.sink.ofType(events.TypeMessageSent)) != 0 {
			t.Fatalf("%s: %d %s events and no message event wanted", tt.name, len(got), tt.wantType)
		}
		if target := targetOf(got[0].Data); target != tt.wantTarget {
			t.Errorf("%s: target %s, want %s", tt.name, target, tt.wantTarget)
		}
		all = append(all, got[0])
	}
	goldenEvents(t, "message_actions", all)
}

func targetOf(d any) string {
	switch d := d.(type) {
	case events.MessageReaction:
		return d.MessageID
	case events.MessageEdited:
		return d.MessageID
	case events.MessageRevoked:
		return d.MessageID
	}
	return ""
}
