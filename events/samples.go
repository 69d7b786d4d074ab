package events

import (
	"fmt"
	"time"
)

// The samples of the catalog: what documentation shows and what the schema
// tests validate. They are built afresh on every call, so no caller can
// change another's.
const (
	sampleSession = "default"
	sampleChat    = "120363025246125888@g.us"
)

func sampleTime() time.Time { return time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC) }

func sampleExpiry() *time.Time {
	t := sampleTime().Add(20 * time.Second)
	return &t
}

func sampleOwnJID() *JID {
	return &JID{JID: "4917612345678:3@s.whatsapp.net", PN: "4917612345678@s.whatsapp.net", LID: "123456789012345:3@lid"}
}

// sampleMessage is a text in a group that quotes and mentions, so every
// field of MessageReceived is set; fromMe chooses received or sent.
func sampleMessage(fromMe bool) MessageReceived {
	sender := JID{JID: "987654321098765@lid", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"}
	id := "false_" + sampleChat + "_3EB0C767D26A1D12"
	if fromMe {
		sender = JID{JID: "4917612345678@s.whatsapp.net", PN: "4917612345678@s.whatsapp.net", LID: "123456789012345@lid"}
		id = "true_" + sampleChat + "_3EB0C767D26A1D12"
	}
	return MessageReceived{
		ID: id, WAID: "3EB0C767D26A1D12",
		Chat: JID{JID: sampleChat}, Sender: sender,
		FromMe: fromMe, IsGroup: true, PushName: "Ana", Timestamp: sampleTime(),
		Type: "text", Text: "See you at 8, @4917612345678?",
		Quoted: &QuotedRef{
			ID: "false_" + sampleChat + "_3EB0A1B2C3D4E5F6", WAID: "3EB0A1B2C3D4E5F6",
			Sender: "4915112345678@s.whatsapp.net", Text: "Dinner tonight?",
		},
		Mentions: []string{"4917612345678@s.whatsapp.net"},
		ViewOnce: false, Ephemeral: true,
	}
}

// NumberedSample is the catalog's sample message.received made the i-th of
// many distinct ones: its own WhatsApp id, key, time and text, in one of
// seven group chats, for session. Tests and benchmarks that need many
// events use it; built on the catalog's sample, it stays valid as the
// schema grows.
func NumberedSample(session string, i int) Event {
	spec, ok := Lookup(TypeMessageReceived)
	if !ok {
		panic(TypeMessageReceived + " is not in the event catalog")
	}
	e := spec.SampleEvent()
	chat := fmt.Sprintf("1203630252461258%02d@g.us", i%7)
	waID := fmt.Sprintf("3EB0%012X", i)
	msg := e.Data.(MessageReceived)
	msg.Chat = JID{JID: chat}
	msg.WAID, msg.ID = waID, "false_"+chat+"_"+waID
	msg.Quoted.ID = "false_" + chat + "_" + msg.Quoted.WAID
	msg.Timestamp = e.Time.Add(time.Duration(i) * time.Second)
	msg.Text = fmt.Sprintf("hello %d", i)
	e.Session, e.Subject, e.Time, e.Key, e.Data = session, chat, msg.Timestamp, chat+"|"+msg.Sender.JID+"|"+waID, msg
	return e
}
