package events_test

import (
	"fmt"
	"time"

	"github.com/wabridge/wabridge/events"
)

func sampleEvent(session string, i int) events.Event {
	chat := fmt.Sprintf("4917600000%03d@s.whatsapp.net", i%7)
	waID := fmt.Sprintf("3EB0%06d", i)
	return events.Event{
		Type:    events.TypeMessageReceived,
		Session: session,
		Subject: chat,
		Time:    time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Key:     chat + "/" + waID,
		Data: events.MessageReceived{
			ID:        "false_" + chat + "_" + waID,
			WAID:      waID,
			Chat:      events.JID{JID: chat},
			Sender:    events.JID{JID: chat},
			Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
			Type:      "text",
			Text:      fmt.Sprintf("hello %d", i),
		},
	}
}
