package bridge

// The translators of the presence area, for golden tests that fix the
// clock the bridge would otherwise read.
var (
	ChatPresenceEvent = chatPresenceEvent
	PresenceEvent     = presenceEvent
)
