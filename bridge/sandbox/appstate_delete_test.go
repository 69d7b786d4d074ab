package sandbox_test

import (
	"testing"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waSyncAction"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// message.delete's patch (deleteMessageForMe) is taken and comes back as
// the *events.DeleteForMe whatsmeow dispatches for it; it was refused as
// unsupported, so the reference's delete example answered 501.
func TestSendAppStateDeleteForMe(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4917600000001")
	ctx := testCtx(t)
	group := types.NewJID("120363028461234567", types.GroupServer)
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	for _, tc := range []struct {
		chat, sender types.JID
		fromMe       string
		participant  string
	}{
		{group, alice, "0", alice.String()},
		{alice, types.EmptyJID, "1", "0"},
	} {
		patch := appstate.PatchInfo{Type: appstate.WAPatchRegularHigh, Mutations: []appstate.MutationInfo{{
			Index:   []string{appstate.IndexDeleteMessageForMe, tc.chat.String(), "3EB0DEL1", tc.fromMe, tc.participant},
			Version: 3,
			Value: &waSyncAction.SyncActionValue{DeleteMessageForMeAction: &waSyncAction.DeleteMessageForMeAction{
				DeleteMedia: proto.Bool(true), MessageTimestamp: proto.Int64(1700000000)}},
		}}}
		if err := f.cli.SendAppState(ctx, patch); err != nil {
			t.Fatalf("%s: %v", tc.chat, err)
		}
		d := next[*events.DeleteForMe](t, f.rec)
		if d.ChatJID != tc.chat || d.SenderJID != tc.sender || d.MessageID != "3EB0DEL1" || d.IsFromMe != (tc.fromMe == "1") ||
			d.Action.GetMessageTimestamp() != 1700000000 || d.Timestamp.IsZero() {
			t.Errorf("echo %+v", d)
		}
	}
	short := appstate.PatchInfo{Mutations: []appstate.MutationInfo{{
		Index: []string{appstate.IndexDeleteMessageForMe, alice.String(), "3EB0DEL1"}, Value: &waSyncAction.SyncActionValue{}}}}
	if err := f.cli.SendAppState(ctx, short); err == nil {
		t.Error("a deleteMessageForMe index without fromMe and participant was taken")
	}
}
