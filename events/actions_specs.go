package events

// actionsSpecs are the catalog entries of reactions, edits and revokes
// (actions_types.go).
func actionsSpecs() []Spec {
	ana := JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"}
	target := "true_" + sampleChat + "_3EB0C767D26A1D15"
	return []Spec{
		{
			Type: TypeMessageReaction, Schema: "events/message.reaction.json", Chat: true,
			Summary: "someone reacted to a message, or withdrew a reaction",
			Description: "message_id is the message reacted to, from this account's point of view; " +
				"a reaction replaces the reactor's previous one, removed (empty emoji) withdraws it.",
			Sample: MessageReaction{
				ID: "false_" + sampleChat + "_3EB0C767D26A1D16", WAID: "3EB0C767D26A1D16", MessageID: target,
				Chat: JID{JID: sampleChat}, Reactor: ana, IsGroup: true, Emoji: "👍", Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeMessageEdited, Schema: "events/message.edited.json", Chat: true,
			Summary:     "the sender edited a message",
			Description: "text replaces the message's text or caption; only the sender edits, within 15 minutes of sending.",
			Sample: MessageEdited{
				ID: "false_" + sampleChat + "_3EB0C767D26A1D17", WAID: "3EB0C767D26A1D17",
				MessageID: "false_" + sampleChat + "_3EB0C767D26A1D14",
				Chat:      JID{JID: sampleChat}, Editor: ana, IsGroup: true, Text: "see you at 8", Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeMessageRevoked, Schema: "events/message.revoked.json", Chat: true,
			Summary:     "a message was deleted for everyone",
			Description: "By its sender, or in a group by an admin; revoked_by says who. The message's content is gone.",
			Sample: MessageRevoked{
				ID: "false_" + sampleChat + "_3EB0C767D26A1D18", WAID: "3EB0C767D26A1D18", MessageID: target,
				Chat: JID{JID: sampleChat}, RevokedBy: ana, IsGroup: true, Timestamp: sampleTime(),
			},
		},
	}
}
