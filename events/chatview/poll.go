package chatview

// Poll is a poll message's options with their votes as they stand: each
// voter counted once, with their latest vote (WhatsApp's count).
type Poll struct {
	Question string `json:"question"`
	// SelectableCount is how many options a voter may choose; 0 is any
	// number.
	SelectableCount int          `json:"selectable_count"`
	Options         []PollOption `json:"options"`
}

// PollOption is one option of a poll, in the poll's order.
type PollOption struct {
	Name  string `json:"name"`
	Votes int    `json:"votes"`
	// Voters chose this option, in the order they voted.
	Voters []string `json:"voters"`
}
