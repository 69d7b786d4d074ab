package events_test

import (
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
)

// Chat JIDs, keys and texts come from WhatsApp, i.e. from other people.
// Whatever they hold, NewCloudEvent must either refuse or build an event that
// survives the wire in both modes with the same id, subject and data.
func FuzzNewCloudEvent(f *testing.F) {
	f.Add("default", "message.received", "4917612345678@s.whatsapp.net", "chat/3EB0C767", "hi")
	f.Add("shop-2", "session.qr", "", "qr-1", "")
	f.Add("a", "message.received", "120363@g.us\x00%ce-", "k\nk", "\xff\xfe")
	f.Fuzz(func(t *testing.T, session, name, subject, key, text string) {
		e := events.Event{
			Type: events.TypePrefix + name, Session: session, Subject: subject, Key: key,
			Time: time.Unix(1700000000, 0),
			Data: events.MessageReceived{ID: key, Text: text},
		}
		ce, err := events.NewCloudEvent(e)
		if err != nil {
			return
		}
		if len(ce.ID()) != 32 {
			t.Fatalf("id %q is not 32 hex digits", ce.ID())
		}
		for _, mode := range []cenats.Mode{cenats.Binary, cenats.Structured} {
			h, data, err := cenats.Encode(ce, mode)
			if err != nil {
				// The outbox refuses such an event at Put; that is allowed,
				// a silent change is not.
				continue
			}
			back, err := cenats.Decode(h, data)
			if err != nil {
				t.Fatalf("mode %v: encoded event does not decode: %v", mode, err)
			}
			if back.ID() != ce.ID() || back.Subject() != ce.Subject() || string(back.Data()) != string(ce.Data()) {
				t.Fatalf("mode %v: round trip changed the event:\n%s\n%s", mode, ce, back)
			}
		}
	})
}
