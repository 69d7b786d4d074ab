package bridge_test

import (
	"testing"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

// goldenEvent is what a golden file holds of an event: everything but
// the session, which every test shares.
type goldenEvent struct {
	Type, Subject, ID string
	Time              time.Time
	Data              any
}

// goldenEvents validates each event against its schema and compares them
// with testdata/golden/<name>.json.
func goldenEvents(t *testing.T, name string, es []events.Event) {
	t.Helper()
	out := make([]goldenEvent, 0, len(es))
	for _, e := range es {
		if err := events.Validate(e); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		out = append(out, goldenEvent{Type: e.Type, Subject: e.Subject, ID: events.EventID(e.Session, e.Type, e.Key), Time: e.Time, Data: e.Data})
	}
	golden(t, name, out)
}

// Receipts from a contact and from group participants become one
// message.receipt per message id; the account's own devices' receipts and
// WhatsApp's housekeeping become none. The same receipt again has the same
// ids, and a read after a delivery has its own.
func TestReceiptsBecomeMessageReceipts(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	bob := types.NewJID("4915200000002", types.DefaultUserServer)
	pushes := []*waEvents.Receipt{
		{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, MessageIDs: []types.MessageID{"3EB0AA01", "3EB0AA02"}, Timestamp: fixedTime, Type: types.ReceiptTypeDelivered},
		{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, MessageIDs: []types.MessageID{"3EB0AA01"}, Timestamp: fixedTime.Add(time.Minute), Type: types.ReceiptTypeRead},
		{MessageSource: types.MessageSource{Chat: group, Sender: types.NewADJID(bob.User, 0, 2), SenderAlt: types.NewJID("100000000000077", types.HiddenUserServer), IsGroup: true},
			MessageIDs: []types.MessageID{"3EB0GG01"}, Timestamp: fixedTime, Type: types.ReceiptTypePlayed},
		// Not about a reader: ignored.
		{MessageSource: types.MessageSource{Chat: alicePN, Sender: ownPN, IsFromMe: true}, MessageIDs: []types.MessageID{"3EB0AA03"}, Timestamp: fixedTime, Type: types.ReceiptTypeReadSelf},
		{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, MessageIDs: []types.MessageID{"3EB0AA04"}, Timestamp: fixedTime, Type: types.ReceiptTypeRetry},
	}
	for _, r := range pushes {
		if !c.push(r) {
			t.Fatal("receipt not handled")
		}
	}
	got := e.sink.ofType(events.TypeMessageReceipt)
	goldenEvents(t, "receipts", got)
	if len(got) != 4 {
		t.Fatalf("%d receipts, want 4", len(got))
	}
	c.push(pushes[0])
	again := e.sink.ofType(events.TypeMessageReceipt)
	if len(again) != 6 || again[4].Key != got[0].Key || again[5].Key != got[1].Key {
		t.Fatal("a redelivered receipt got new keys")
	}
	if got[0].Key == got[2].Key {
		t.Fatal("delivered and read of one message share a key")
	}
}

// Typing and recording in a direct chat and a group, and a contact going
// offline with and without a last-seen time.
func TestChatPresenceAndPresenceTranslations(t *testing.T) {
	now := fixedTime.Add(3 * time.Second)
	var es []events.Event
	for _, evt := range []*waEvents.ChatPresence{
		{MessageSource: types.MessageSource{Chat: aliceLID, Sender: aliceLID, SenderAlt: alicePN}, State: types.ChatPresenceComposing},
		{MessageSource: types.MessageSource{Chat: group, Sender: alicePN, IsGroup: true}, State: types.ChatPresenceComposing, Media: types.ChatPresenceMediaAudio},
		{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, State: types.ChatPresencePaused},
	} {
		e, ok := bridge.ChatPresenceEvent("default", evt, now)
		if !ok {
			t.Fatalf("%+v has no event", evt)
		}
		es = append(es, e)
	}
	for _, evt := range []*waEvents.Presence{
		{From: alicePN},
		{From: types.NewADJID(alicePN.User, 0, 4), Unavailable: true, LastSeen: fixedTime},
		{From: aliceLID, Unavailable: true},
	} {
		e, ok := bridge.PresenceEvent("default", evt, now)
		if !ok {
			t.Fatalf("%+v has no event", evt)
		}
		es = append(es, e)
	}
	goldenEvents(t, "chat_presence_and_presence", es)
	a, _ := bridge.ChatPresenceEvent("default", &waEvents.ChatPresence{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, State: types.ChatPresenceComposing}, now)
	b, _ := bridge.ChatPresenceEvent("default", &waEvents.ChatPresence{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN}, State: types.ChatPresenceComposing}, now.Add(time.Minute))
	if a.Key == b.Key {
		t.Error("typing again a minute later has the same key: the stream's dedup would drop it")
	}
}

// Voice and video calls, direct and in a group, become call.offer keyed
// by the call id; undecryptable messages become message.undecryptable.
// Both through the session, as whatsmeow hands them over.
func TestCallOfferAndUndecryptable(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	aliceDevice := types.JID{User: aliceLID.User, Device: 5, Server: types.HiddenUserServer}
	video := &waBinary.Node{Tag: "offer", Content: []waBinary.Node{{Tag: "audio"}, {Tag: "video"}}}
	voice := &waBinary.Node{Tag: "offer", Content: []waBinary.Node{{Tag: "audio"}}}
	for _, evt := range []*waEvents.CallOffer{
		{BasicCallMeta: types.BasicCallMeta{From: aliceDevice, Timestamp: fixedTime, CallCreator: aliceDevice, CallCreatorAlt: alicePN, CallID: "CALL0001"},
			CallRemoteMeta: types.CallRemoteMeta{RemotePlatform: "android", RemoteVersion: "2.24.1"}, Data: video},
		{BasicCallMeta: types.BasicCallMeta{From: alicePN, Timestamp: fixedTime, CallCreator: alicePN, CallID: "CALL0002", GroupJID: group}, Data: voice},
	} {
		if !c.push(evt) {
			t.Fatal("call offer not handled")
		}
	}
	for _, evt := range []*waEvents.UndecryptableMessage{
		{Info: types.MessageInfo{MessageSource: types.MessageSource{Chat: alicePN, Sender: alicePN, SenderAlt: aliceLID}, ID: "3EB0BAD01", PushName: "Alice", Timestamp: fixedTime}},
		{Info: types.MessageInfo{MessageSource: types.MessageSource{Chat: group, Sender: alicePN, IsGroup: true}, ID: "3EB0BAD02", Timestamp: fixedTime},
			IsUnavailable: true, UnavailableType: waEvents.UnavailableTypeViewOnce, DecryptFailMode: waEvents.DecryptFailHide},
	} {
		if !c.push(evt) {
			t.Fatal("undecryptable message not handled")
		}
	}
	goldenEvents(t, "call_offer_and_undecryptable", append(e.sink.ofType(events.TypeCallOffer), e.sink.ofType(events.TypeMessageUndecryptable)...))
}
