package events

import "time"

// TypePollVote is a vote on a poll, decrypted.
const TypePollVote = "io.wabridge.poll.vote"

// PollVote is the data of io.wabridge.poll.vote: someone chose options of
// a poll (or withdrew their vote: no options). Each vote replaces the
// voter's previous one, as WhatsApp counts them.
type PollVote struct {
	ID      string `json:"id"`      // the vote message in user form: <from_me>_<chat>_<wa_id>
	WAID    string `json:"wa_id"`   // the vote message's bare WhatsApp id
	PollID  string `json:"poll_id"` // the poll in user form
	Chat    JID    `json:"chat"`
	Voter   JID    `json:"voter"`
	IsGroup bool   `json:"is_group"`
	FromMe  bool   `json:"from_me"` // voted from another device of this account
	// Options are the names of the chosen options, in the poll's order.
	Options []string `json:"options"`
	// UnknownOptions are the SHA-256 hashes (hex) of chosen options that
	// are not options of the poll as the bridge knows it.
	UnknownOptions []string  `json:"unknown_options,omitempty"`
	Timestamp      time.Time `json:"timestamp"`
}
