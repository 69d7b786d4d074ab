package chatstore_test

import (
	"testing"

	"github.com/wabridge/wabridge/events"
)

func receipt(chat, reader, waID, kind string, sec int) events.Event {
	ts := t0.Add(timeSec(sec))
	return events.Event{Type: events.TypeMessageReceipt, Subject: chat, Time: ts, Key: chat + "|" + waID + "|" + reader + "|" + kind,
		Data: events.MessageReceipt{ID: userID(true, chat, waID), WAID: waID, Chat: events.JID{JID: chat},
			Reader: events.JID{JID: reader}, Receipt: kind, Timestamp: ts}}
}

// GET /chat/<jid>/messages shows how far each message this account sent
// got: delivered, then read; a delivered receipt arriving after the read
// one changes nothing, and a message without receipts says none.
func TestReceiptsShowOnSentMessages(t *testing.T) {
	v := newEnv(t)
	v.publish(t, msg(events.TypeMessageSent, alice, ownPN, "M1", 1, "one"))
	v.publish(t, msg(events.TypeMessageSent, alice, ownPN, "M2", 2, "two"))
	v.publish(t, msg(events.TypeMessageSent, alice, ownPN, "M3", 3, "three"))
	v.publish(t, receipt(alice, alice, "M1", events.ReceiptDelivered, 4))
	v.publish(t, receipt(alice, alice, "M2", events.ReceiptDelivered, 5))
	v.publish(t, receipt(alice, alice, "M2", events.ReceiptRead, 6))
	v.publish(t, receipt(alice, alice, "M2", events.ReceiptDelivered, 7)) // late
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "receipts")
	ms := messagesOf(t, s, alice)
	for id, want := range map[string]string{"M1": "delivered", "M2": "read", "M3": ""} {
		if got := ms[userID(true, alice, id)].Receipt; got != want {
			t.Errorf("%s receipt %q, want %q", id, got, want)
		}
	}
}
