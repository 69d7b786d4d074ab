package events_test

import (
	"fmt"
	"time"

	"github.com/wabridge/wabridge/events"
)

// sampleEvent is the event catalog's sample message.received made the i-th
// of many distinct ones: its own WhatsApp id, key, time and text, in one of
// seven group chats, for session. Built on the catalog's sample, it stays
// valid as the schema grows.
func sampleEvent(session string, i int) events.Event {
	spec, ok := events.Lookup(events.TypeMessageReceived)
	if !ok {
		panic(events.TypeMessageReceived + " is not in the event catalog")
	}
	e := spec.SampleEvent()
	chat := fmt.Sprintf("1203630252461258%02d@g.us", i%7)
	waID := fmt.Sprintf("3EB0%012X", i)
	msg := e.Data.(events.MessageReceived)
	msg.Chat = events.JID{JID: chat}
	msg.WAID, msg.ID = waID, "false_"+chat+"_"+waID
	msg.Quoted.ID = "false_" + chat + "_" + msg.Quoted.WAID
	msg.Timestamp = e.Time.Add(time.Duration(i) * time.Second)
	msg.Text = fmt.Sprintf("hello %d", i)
	e.Session, e.Subject, e.Time, e.Key, e.Data = session, chat, msg.Timestamp, chat+"|"+msg.Sender.JID+"|"+waID, msg
	return e
}
