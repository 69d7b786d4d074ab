package events

import "time"

// presenceSpecs are the catalog entries of receipts, typing, presence,
// calls and undecryptable messages (presence_types.go).
func presenceSpecs() []Spec {
	ana := JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"}
	seen := sampleTime().Add(-5 * time.Minute)
	group := JID{JID: sampleChat}
	return []Spec{
		{
			Type: TypeMessageReceipt, Schema: "events/message.receipt.json", Chat: true,
			Summary:     "a message this account sent was delivered, read or played",
			Description: "One event per message and reader: in a group each participant's receipt is its own event; played is for voice and video notes.",
			Sample: MessageReceipt{
				ID: "true_" + sampleChat + "_3EB0C767D26A1D12", WAID: "3EB0C767D26A1D12",
				Chat: group, Reader: ana, IsGroup: true, Receipt: ReceiptRead, Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeChatPresence, Schema: "events/chat.presence.json", Chat: true,
			Summary:     "someone is typing or recording in a chat, or stopped",
			Description: "WhatsApp sends these only while the account is available (send.presence).",
			Sample:      ChatPresence{Chat: group, Sender: ana, IsGroup: true, State: "composing", Timestamp: sampleTime()},
		},
		{
			Type: TypePresenceUpdated, Schema: "events/presence.updated.json", Chat: true,
			Summary:     "a contact came online or went offline",
			Description: "The subject is the contact's chat; last_seen is absent when the contact hides it.",
			Sample:      PresenceUpdated{Contact: ana, Online: false, LastSeen: &seen, Timestamp: sampleTime()},
		},
		{
			Type: TypeCallOffer, Schema: "events/call.offer.json", Chat: true,
			Summary:     "someone is calling this account",
			Description: "The subject is the caller's chat, or the group of a group call; rejected is true when the bridge rejects calls (--reject-calls).",
			Sample: CallOffer{
				CallID: "A1B2C3D4E5F60718293A4B5C6D7E8F90", Caller: ana, Group: &group,
				Media: "video", Platform: "android", Rejected: true, Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeMessageUndecryptable, Schema: "events/message.undecryptable.json", Chat: true,
			Summary:     "a message arrived that could not be decrypted",
			Description: "WhatsApp asks the sender to send it again; if that succeeds, a message.received with the same id follows.",
			Sample: MessageUndecryptable{
				ID: "false_" + sampleChat + "_3EB0C767D26A1D13", WAID: "3EB0C767D26A1D13",
				Chat: group, Sender: ana, IsGroup: true, PushName: "Ana", Timestamp: sampleTime(),
				Unavailable: true, UnavailableType: "view_once", Hidden: false,
			},
		},
	}
}
