package events

// pollSpecs are the catalog entries of polls (poll_types.go).
func pollSpecs() []Spec {
	ana := JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"}
	return []Spec{{
		Type: TypePollVote, Schema: "events/poll.vote.json", Chat: true,
		Summary: "someone voted on a poll",
		Description: "Decrypted by the bridge with the poll's secret; options are the chosen options' names. " +
			"A vote replaces the voter's previous one; no options means the vote was withdrawn.",
		Sample: PollVote{
			ID: "false_" + sampleChat + "_3EB0C767D26A1D14", WAID: "3EB0C767D26A1D14",
			PollID: "true_" + sampleChat + "_3EB0C767D26A1D15", Chat: JID{JID: sampleChat}, Voter: ana,
			IsGroup: true, Options: []string{"Go", "Python"}, UnknownOptions: []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
			Timestamp: sampleTime(),
		},
	}}
}
