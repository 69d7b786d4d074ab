package bridge

import (
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// The translators of the group area, for golden tests that fix the clock
// the bridge would otherwise read.
// The JIDs' other forms are not looked up.
func GroupInfoEvents(session string, evt *waEvents.GroupInfo) []events.Event {
	return groupInfoEvents(session, evt, nil)
}

func PictureEvents(session string, evt *waEvents.Picture) []events.Event {
	return pictureEvents(session, evt, nil)
}

// GroupJoinedEvent is groupJoinedEvent for an account of the given JIDs.
func GroupJoinedEvent(session string, ownPN, ownLID types.JID, evt *waEvents.JoinedGroup, now time.Time) (events.Event, bool) {
	return groupJoinedEvent(session, identity{pn: ownPN, lid: ownLID}, evt, now)
}

// PushNameEvent is the contact.updated of a push name change.
func PushNameEvent(session string, evt *waEvents.PushName) (events.Event, bool) {
	d, at, ok := contactChange(evt)
	if !ok {
		return events.Event{}, false
	}
	return contactEvent(session, d, at), true
}
