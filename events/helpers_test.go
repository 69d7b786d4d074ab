package events_test

import (
	"github.com/wabridge/wabridge/events"
)

// sampleEvent is the i-th of many distinct message.received events
// (events.NumberedSample).
func sampleEvent(session string, i int) events.Event { return events.NumberedSample(session, i) }
