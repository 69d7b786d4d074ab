package bridge

import (
	"context"
	"errors"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/internal/werr"
)

// pollClient builds polls and decrypts their votes. whatsmeow keeps each
// poll's secret (MessageContextInfo.MessageSecret) in its device store's
// msgsecret table when it sends or receives the poll; DecryptPollVote
// reads it from there.
type pollClient interface {
	BuildPollCreation(name string, optionNames []string, selectableOptionCount int) *waE2E.Message
	DecryptPollVote(ctx context.Context, vote *waEvents.Message) (*waE2E.PollVoteMessage, error)
}

var _ pollClient = (*whatsmeow.Client)(nil)

// WhatsApp's limits as its clients enforce them.
const (
	pollMinOptions = 2
	pollMaxOptions = 12
	pollMaxText    = 255 // characters of the question and of each option
)

// SendPollRequest is a poll to send.
type SendPollRequest struct {
	To       string
	Question string
	Options  []string // 2–12, unique
	// Selectable is how many options a voter may choose; 0 means any number.
	Selectable int
	Key        string // as SendTextRequest.Key
}

// SendPoll sends a poll. The message sent — options and secret — is kept
// in the raw message cache with the result, so a vote's option hashes can
// be named and the secret survives beside whatsmeow's own copy.
func (s *Session) SendPoll(ctx context.Context, req SendPollRequest) (SendResult, error) {
	return s.sendContent(ctx, content{
		to: req.To, key: req.Key, text: req.Question, what: "sending the poll to %s",
		build: func(l *link) (*waE2E.Message, error) { return pollMessage(l.client, req) },
	})
}

func pollMessage(c pollClient, req SendPollRequest) (*waE2E.Message, error) {
	if err := checkPoll(req); err != nil {
		return nil, err
	}
	msg := c.BuildPollCreation(req.Question, req.Options, req.Selectable)
	if msg.GetPollCreationMessage() == nil || len(msg.GetMessageContextInfo().GetMessageSecret()) == 0 {
		// Votes could never be decrypted without the secret.
		return nil, werr.Wrap(errors.ErrUnsupported, werr.KindNotImplemented, werr.CodeNotSupported,
			"this session's client cannot build polls")
	}
	return msg, nil
}

func checkPoll(req SendPollRequest) error {
	if req.Question == "" || utf8.RuneCountInString(req.Question) > pollMaxText {
		return werr.Invalid(werr.CodeInvalidPayload, "question must have 1 to %d characters", pollMaxText)
	}
	if n := len(req.Options); n < pollMinOptions || n > pollMaxOptions {
		return werr.Invalid(werr.CodeInvalidPayload, "a poll has %d to %d options, not %d", pollMinOptions, pollMaxOptions, n)
	}
	seen := make(map[string]bool, len(req.Options))
	for _, o := range req.Options {
		if o == "" || utf8.RuneCountInString(o) > pollMaxText {
			return werr.Invalid(werr.CodeInvalidPayload, "each option must have 1 to %d characters", pollMaxText)
		}
		// A vote names options by the SHA-256 of their text: two equal
		// options could not be told apart.
		if seen[o] {
			return werr.Invalid(werr.CodeInvalidPayload, "option %q appears twice", o)
		}
		seen[o] = true
	}
	if req.Selectable < 0 || req.Selectable > len(req.Options) {
		return werr.Invalid(werr.CodeInvalidPayload, "selectable_count %d is outside 0..%d", req.Selectable, len(req.Options))
	}
	return nil
}
