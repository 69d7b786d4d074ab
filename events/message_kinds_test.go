package events_test

import (
	"testing"

	"github.com/wabridge/wabridge/events"
)

// TestMessageKindSamplesValidate: each kind's sample is valid data of every
// type sharing message.received's shape, and sets its kind's field only.
func TestMessageKindSamplesValidate(t *testing.T) {
	field := map[string]func(events.MessageReceived) bool{
		events.KindText:         func(m events.MessageReceived) bool { return m.LinkPreview != nil },
		events.KindLocation:     func(m events.MessageReceived) bool { return m.Location != nil },
		events.KindLiveLocation: func(m events.MessageReceived) bool { return m.Location != nil },
		events.KindContact:      func(m events.MessageReceived) bool { return len(m.Contacts) == 1 },
		events.KindContacts:     func(m events.MessageReceived) bool { return len(m.Contacts) > 1 },
		events.KindPoll:         func(m events.MessageReceived) bool { return m.Poll != nil },
	}
	for _, k := range events.MediaKinds() {
		field[k] = func(m events.MessageReceived) bool { return m.Media != nil }
	}
	for _, m := range events.MessageKindSamples() {
		has, ok := field[m.Type]
		if !ok || !has(m) {
			t.Errorf("%s sample %s does not set its kind's field", m.Type, m.WAID)
		}
		for _, typ := range []string{events.TypeMessageReceived, events.TypeMessageHistory} {
			e := events.Event{Type: typ, Session: "default", Subject: m.Chat.JID, Time: m.Timestamp, Key: m.WAID, Data: m}
			if err := events.Validate(e); err != nil {
				t.Errorf("%s sample as %s: %v", m.Type, typ, err)
			}
		}
	}
}

// TestMessageSchemaRejectsBadKinds: the schema is strict about the new
// fields, so a translation that fills them wrongly fails its golden test.
func TestMessageSchemaRejectsBadKinds(t *testing.T) {
	bad := map[string]func(*events.MessageReceived){
		"latitude out of range": func(m *events.MessageReceived) { m.Location = &events.Location{Latitude: 91} },
		"negative selectable": func(m *events.MessageReceived) {
			m.Poll = &events.Poll{Question: "q", Options: []string{"a"}, SelectableCount: -1}
		},
		"negative score": func(m *events.MessageReceived) { m.ForwardingScore = -1 },
		"media without id": func(m *events.MessageReceived) {
			m.Media = &events.Media{URL: "/media/x", Object: events.MediaObject("x")}
		},
		"media url elsewhere": func(m *events.MessageReceived) {
			m.Media = &events.Media{ID: "x", URL: "https://example.com/x", Object: events.MediaObject("x")}
		},
		"media sha256 in base64": func(m *events.MessageReceived) {
			m.Media = &events.Media{ID: "x", URL: "/media/x", Object: events.MediaObject("x"),
				SHA256: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}
		},
		"media id with a slash": func(m *events.MessageReceived) {
			m.Media = &events.Media{ID: "a/b", URL: "/media/a/b", Object: events.MediaObject("a/b")}
		},
	}
	for name, mutate := range bad {
		m := events.MessageKindSamples()[0]
		mutate(&m)
		e := events.Event{Type: events.TypeMessageReceived, Session: "default", Subject: m.Chat.JID, Time: m.Timestamp, Key: m.WAID, Data: m}
		if events.Validate(e) == nil {
			t.Errorf("%s: validated", name)
		}
	}
}
