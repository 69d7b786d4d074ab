package bridge_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waSyncAction"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// actionScene has a message from Alice in her chat and in the group, and
// one of our own in each, all cached.
type actionScene struct {
	e            *env
	c            *actionFake
	s            *bridge.Session
	ownDirect    bridge.SendResult
	ownGroup     bridge.SendResult
	aliceDirect  string
	aliceInGroup string
}

func newActionScene(t *testing.T) actionScene {
	t.Helper()
	e, c := actionEnv(t)
	for _, chat := range []types.JID{alicePN, group} {
		if !c.push(incoming(chat, "3EB0ALICE"+chat.Server[:1], "hi")) {
			t.Fatal("incoming message not handled")
		}
	}
	s := e.session("default")
	sc := actionScene{e: e, c: c, s: s,
		aliceDirect:  "false_" + alicePN.String() + "_3EB0ALICEs",
		aliceInGroup: "false_" + group.String() + "_3EB0ALICEg",
	}
	for _, to := range []types.JID{alicePN, group} {
		res, err := s.SendText(context.Background(), bridge.SendTextRequest{To: to.String(), Text: "mine", Key: "own-" + to.String()})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.Commit(res.Cache); err != nil {
			t.Fatal(err)
		}
		if to == group {
			sc.ownGroup = res
		} else {
			sc.ownDirect = res
		}
	}
	return sc
}

// lastSent is the last message sent, with whatsmeow's send-time stamps
// cleared so it compares with a built message.
func (sc actionScene) lastSent(t *testing.T, n int) (types.JID, *waE2E.Message, string) {
	t.Helper()
	sent := sc.c.sentMessages()
	if len(sent) != n {
		t.Fatalf("%d messages sent, want %d", len(sent), n)
	}
	m := proto.CloneOf(sent[n-1].Msg)
	if r := m.GetReactionMessage(); r != nil {
		r.SenderTimestampMS = nil
	}
	if p := m.GetEditedMessage().GetMessage().GetProtocolMessage(); p != nil {
		p.TimestampMS = nil
	}
	return sent[n-1].To, m, string(sent[n-1].Extra.ID)
}

func key(fromMe bool, chat types.JID, id string, participant string) *waCommon.MessageKey {
	k := &waCommon.MessageKey{FromMe: proto.Bool(fromMe), ID: proto.String(id), RemoteJID: proto.String(chat.String())}
	if participant != "" {
		k.Participant = proto.String(participant)
	}
	return k
}

func TestReactKeys(t *testing.T) {
	sc := newActionScene(t)
	tests := []struct {
		name, ref, emoji string
		chat             types.JID
		want             *waCommon.MessageKey
	}{
		{"Alice's message in her chat: not ours, no participant", sc.aliceDirect, "👍", alicePN, key(false, alicePN, "3EB0ALICEs", "")},
		{"Alice's message in a group: her as participant", sc.aliceInGroup, "🐈", group, key(false, group, "3EB0ALICEg", alicePN.String())},
		{"our own message: FromMe", sc.ownGroup.MessageID, "🎉", group, key(true, group, sc.ownGroup.WAID, "")},
		{"an empty emoji removes the reaction", sc.aliceDirect, "", alicePN, key(false, alicePN, "3EB0ALICEs", "")},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := sc.s.React(context.Background(), bridge.MessageActionRequest{MessageID: tc.ref, Emoji: tc.emoji, Key: tc.name})
			if err != nil {
				t.Fatal(err)
			}
			to, got, id := sc.lastSent(t, 2+i+1)
			want := &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: tc.want, Text: proto.String(tc.emoji)}}
			if to != tc.chat || !proto.Equal(got, want) {
				t.Errorf("sent to %s:\n%v\nwant to %s:\n%v", to, got, tc.chat, want)
			}
			if id != bridge.MessageIDFromKey(tc.name) || res.MessageID != tc.ref || res.WAID != id {
				t.Errorf("result %+v, sent id %s", res, id)
			}
		})
	}
}

func TestActionsOnUnknownMessageSendNothing(t *testing.T) {
	sc := newActionScene(t)
	req := bridge.MessageActionRequest{MessageID: "false_" + alicePN.String() + "_3EB0NONE", Emoji: "👍", Text: "x", Key: "k"}
	for name, f := range map[string]func(context.Context, bridge.MessageActionRequest) (bridge.ActionResult, error){
		"react": sc.s.React, "edit": sc.s.EditMessage, "revoke": sc.s.RevokeMessage, "delete": sc.s.DeleteForMe,
	} {
		_, err := f(context.Background(), req)
		if err == nil {
			t.Fatalf("%s of an unknown message succeeded", name)
		}
		wantCode(t, err, werr.CodeMessageNotFound)
	}
	if n := len(sc.c.sentMessages()); n != 2 {
		t.Errorf("%d messages sent, want only the scene's 2", n)
	}
	if n := len(sc.c.sentPatches()); n != 0 {
		t.Errorf("%d patches sent, want none", n)
	}
}

func TestEditMessage(t *testing.T) {
	sc := newActionScene(t)
	edit := func(ref, text, k string) error {
		_, err := sc.s.EditMessage(context.Background(), bridge.MessageActionRequest{MessageID: ref, Text: text, Key: k})
		return err
	}
	sc.c.setNow(fixedTime.Add(14 * time.Minute))
	if err := edit(sc.ownDirect.MessageID, "fixed", "edit-1"); err != nil {
		t.Fatalf("edit at minute 14: %v", err)
	}
	to, got, _ := sc.lastSent(t, 3)
	want := &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Key: key(true, alicePN, sc.ownDirect.WAID, ""), Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
		EditedMessage: &waE2E.Message{Conversation: proto.String("fixed")},
	}}}}
	if to != alicePN || !proto.Equal(got, want) {
		t.Errorf("sent to %s:\n%v\nwant:\n%v", to, got, want)
	}

	sc.c.setNow(fixedTime.Add(16 * time.Minute))
	wantCode(t, edit(sc.ownDirect.MessageID, "too late", "edit-2"), werr.CodeEditWindowClosed)
	sc.c.setNow(fixedTime)
	wantCode(t, edit(sc.aliceDirect, "not mine", "edit-3"), werr.CodeForbidden)
	wantCode(t, edit(sc.ownDirect.MessageID, "", "edit-4"), werr.CodeInvalidPayload)
	if n := len(sc.c.sentMessages()); n != 3 {
		t.Errorf("%d messages sent, want 3: refused edits send nothing", n)
	}
}

func TestRevokeMessage(t *testing.T) {
	sc := newActionScene(t)
	revoke := func(ref, k string) error {
		_, err := sc.s.RevokeMessage(context.Background(), bridge.MessageActionRequest{MessageID: ref, Key: k})
		return err
	}
	wantRevoke := func(chat types.JID, k *waCommon.MessageKey) *waE2E.Message {
		return &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: k}}
	}
	if err := revoke(sc.ownDirect.MessageID, "r1"); err != nil {
		t.Fatal(err)
	}
	if to, got, _ := sc.lastSent(t, 3); to != alicePN || !proto.Equal(got, wantRevoke(alicePN, key(true, alicePN, sc.ownDirect.WAID, ""))) {
		t.Errorf("own revoke sent to %s: %v", to, got)
	}
	wantCode(t, revoke(sc.aliceDirect, "r2"), werr.CodeForbidden)
	wantCode(t, revoke(sc.aliceInGroup, "r3"), werr.CodeForbidden) // not an admin
	if n := len(sc.c.sentMessages()); n != 3 {
		t.Fatalf("%d messages sent, want 3: refused revokes send nothing", n)
	}
	sc.c.setAdmins(ownLID) // groups may name us by LID
	if err := revoke(sc.aliceInGroup, "r4"); err != nil {
		t.Fatalf("admin revoke: %v", err)
	}
	if to, got, _ := sc.lastSent(t, 4); to != group || !proto.Equal(got, wantRevoke(group, key(false, group, "3EB0ALICEg", alicePN.String()))) {
		t.Errorf("admin revoke sent to %s: %v", to, got)
	}
}

func TestDeleteForMePatch(t *testing.T) {
	sc := newActionScene(t)
	for _, tc := range []struct {
		ref   string
		index []string
	}{
		{sc.aliceInGroup, []string{appstate.IndexDeleteMessageForMe, group.String(), "3EB0ALICEg", "0", alicePN.String()}},
		{sc.aliceDirect, []string{appstate.IndexDeleteMessageForMe, alicePN.String(), "3EB0ALICEs", "0", "0"}},
		{sc.ownGroup.MessageID, []string{appstate.IndexDeleteMessageForMe, group.String(), sc.ownGroup.WAID, "1", "0"}},
	} {
		res, err := sc.s.DeleteForMe(context.Background(), bridge.MessageActionRequest{MessageID: tc.ref})
		if err != nil {
			t.Fatal(err)
		}
		if res.MessageID != tc.ref {
			t.Errorf("result %+v, want message %s", res, tc.ref)
		}
		patches := sc.c.sentPatches()
		got := patches[len(patches)-1]
		want := appstate.PatchInfo{Type: appstate.WAPatchRegularHigh, Mutations: []appstate.MutationInfo{{
			Index: tc.index, Version: 3,
			Value: &waSyncAction.SyncActionValue{DeleteMessageForMeAction: &waSyncAction.DeleteMessageForMeAction{
				DeleteMedia: proto.Bool(true), MessageTimestamp: proto.Int64(fixedTime.Unix()),
			}},
		}}}
		m := got.Mutations[0]
		if got.Type != want.Type || len(got.Mutations) != 1 || !equalStrings(m.Index, tc.index) || m.Version != 3 || !proto.Equal(m.Value, want.Mutations[0].Value) {
			t.Errorf("patch %+v\nwant %+v", got, want)
		}
	}
	if n := len(sc.c.sentMessages()); n != 2 {
		t.Errorf("%d messages sent, want none beyond the scene's: delete for me is app state only", n)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
