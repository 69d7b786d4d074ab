package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/proto/waE2E"
	waEvents "go.mau.fi/whatsmeow/types/events"
)

// BuildPollCreation answers nil: a client that cannot send polls builds
// none, and SendPoll refuses with NOT_SUPPORTED.
func (UnsupportedClient) BuildPollCreation(string, []string, int) *waE2E.Message { return nil }

func (UnsupportedClient) DecryptPollVote(context.Context, *waEvents.Message) (*waE2E.PollVoteMessage, error) {
	return nil, unsupported("DecryptPollVote")
}
