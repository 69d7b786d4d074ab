package events

import (
	"reflect"
	"slices"
	"strings"
)

// Spec is one event type of the catalog. Its schema, its sample and its
// documentation live here together, so the schema tests, the AsyncAPI
// document and the README table all derive from one list.
type Spec struct {
	Type   string // CloudEvent type, e.g. io.wabridge.message.received
	Schema string // path of its data's schema in package schemas
	// Summary is one line for tables; Description says what a consumer
	// needs to know beyond it.
	Summary     string
	Description string
	// Chat reports whether the event concerns a chat: then the CloudEvent
	// subject is the chat JID and the NATS subject carries its token;
	// otherwise there is no subject and the token is "_" (CONTRACT §4).
	Chat bool
	// Sample is a data value of the type, with every field set that the
	// type uses. Its Go type is the type's data struct: an event of this
	// type carries a value of that struct (or a pointer to one).
	Sample any
}

// Name is the type without TypePrefix, the last part of the NATS subject:
// "message.received".
func (s Spec) Name() string { return strings.TrimPrefix(s.Type, TypePrefix) }

// DataType is the Go type an event of this type carries as Data.
func (s Spec) DataType() reflect.Type { return reflect.TypeOf(s.Sample) }

// SampleEvent is an event of this type with its sample data, as the bridge
// would hand it over, for documentation and tests.
func (s Spec) SampleEvent() Event {
	e := Event{Type: s.Type, Session: sampleSession, Time: sampleTime(), Key: "sample|" + s.Name(), Data: s.Sample}
	if s.Chat {
		e.Subject = sampleChat
	}
	return e
}

// Catalog is the table of every event type wabridge emits (CONTRACT §7).
// Adding a type is its constant, its data struct, its schema under
// schemas/events/ and one entry here; the tests then demand a valid sample.
func Catalog() []Spec {
	return slices.Concat([]Spec{
		{
			Type: TypeMessageReceived, Schema: "events/message.received.json", Chat: true,
			Summary:     "a message arrived in a chat of this account",
			Description: "Sent by someone else; media is referenced, never inlined.",
			Sample:      sampleMessage(false),
		},
		{
			Type: TypeMessageSent, Schema: "events/message.sent.json", Chat: true,
			Summary:     "this account sent a message from another of its devices",
			Description: "From the phone or WhatsApp Web; messages sent through the bridge are answered by their command's result instead.",
			Sample:      sampleMessage(true),
		},
		sessionSpec(TypeSessionQR, "a new login QR code to scan",
			"Each code replaces the previous one before it expires; the REST login page shows the same code.",
			func(st *SessionState) { st.QRCode, st.ExpiresAt = "2@sample-qr-content", sampleExpiry() }),
		sessionSpec(TypeSessionPaired, "a phone linked this device to its account",
			"Sent once per login; session.connected follows.",
			func(st *SessionState) { st.JID, st.Platform = sampleOwnJID(), "android" }),
		sessionSpec(TypeSessionConnected, "the session is connected and logged in",
			"Sent after every (re)connect.",
			func(st *SessionState) { st.JID, st.PushName, st.Platform = sampleOwnJID(), "Ana", "android" }),
		sessionSpec(TypeSessionDisconnected, "the connection to WhatsApp dropped",
			"The bridge reconnects by itself; session.connected follows when it succeeds.",
			func(st *SessionState) { st.Reason = "websocket closed" }),
		sessionSpec(TypeSessionLoggedOut, "the device was unlinked; a new login is needed",
			"From the phone, by app.logout, or by WhatsApp; reason says which when known.",
			func(st *SessionState) { st.JID, st.Reason = sampleOwnJID(), "unlinked from phone" }),
		sessionSpec(TypeSessionStreamReplaced, "another client took over this device's connection",
			"The same device credentials connected elsewhere; the bridge does not fight over the connection.",
			func(st *SessionState) { st.Reason = "stream replaced" }),
		sessionSpec(TypeSessionTemporaryBan, "WhatsApp banned the account for a while",
			"reason is WhatsApp's ban code, ban_expires when the ban ends if WhatsApp said.",
			func(st *SessionState) { st.Reason, st.BanExpires = "sent too many messages", sampleExpiry() }),
	},
		inboundSpecs(),
		presenceSpecs(),
		pollSpecs(),
		actionsSpecs(),
		groupSpecs(),
	)
}

// Lookup returns the catalog entry of the CloudEvent type typ.
func Lookup(typ string) (Spec, bool) {
	for _, s := range Catalog() {
		if s.Type == typ {
			return s, true
		}
	}
	return Spec{}, false
}

// sessionSpec builds the entry of a session.* type: no chat, data
// SessionState with the state named after the type, schema named after it.
func sessionSpec(typ, summary, description string, fill func(*SessionState)) Spec {
	name := strings.TrimPrefix(typ, TypePrefix)
	st := SessionState{State: strings.TrimPrefix(name, "session."), Seq: 1}
	fill(&st)
	return Spec{
		Type: typ, Schema: "events/" + name + ".json",
		Summary: summary, Description: description, Sample: st,
	}
}
