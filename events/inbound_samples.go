package events

import "time"

// inboundSpecs are the catalog entries of history sync, chat state and
// contacts (inbound_types.go).
func inboundSpecs() []Spec {
	return []Spec{
		{
			Type: TypeMessageHistory, Schema: "events/message.history.json", Chat: true,
			Summary:     "a past message, pushed by WhatsApp's history sync after pairing",
			Description: "Same data as message.received (from_me tells sent from received); its id is the same for every sync of the same message, so a repeated sync adds nothing.",
			Sample:      sampleMessage(false),
		},
		{
			Type: TypeHistorySync, Schema: "events/history.sync.json",
			Summary:     "one blob of a history sync was emitted",
			Description: "Follows the message.history, chat.updated and contact.updated events of its blob; progress is WhatsApp's percentage of the whole sync, 0 when unknown.",
			Sample:      HistorySync{Type: "INITIAL_BOOTSTRAP", Chunk: 1, Progress: 40, Conversations: 12, Messages: 480},
		},
		{
			Type: TypeChatUpdated, Schema: "events/chat.updated.json", Chat: true,
			Summary:     "a chat was archived, pinned, muted or marked read on another device, or described by the history sync",
			Description: "Only what changed is set; muted true without muted_until is forever; origin says whether app state or the history sync told.",
			Sample:      sampleChatUpdated(),
		},
		{
			Type: TypeContactUpdated, Schema: "events/contact.updated.json", Chat: true,
			Summary:     "a contact's names became known or changed",
			Description: "push_name is what the contact chose (old_push_name the one it replaced, when known); full_name, first_name come from this account's address book, business_name from a business profile.",
			Sample: ContactUpdated{
				Contact:  JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"},
				PushName: "Ana", OldPushName: "Ana L.", FullName: "Ana Lima", FirstName: "Ana", BusinessName: "Lima Café",
			},
		},
	}
}

func sampleChatUpdated() ChatUpdated {
	yes, no, unread := true, false, 3
	until := sampleTime().Add(8 * time.Hour)
	return ChatUpdated{
		Chat: JID{JID: sampleChat}, Name: "Dinner club",
		Archived: &no, Pinned: &yes, Muted: &yes, MutedUntil: &until,
		Read: &no, UnreadCount: &unread,
		Timestamp: sampleTime(), Origin: OriginHistorySync,
	}
}
