package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// handlePollVote decrypts a vote (a PollUpdateMessage) and emits poll.vote
// with the chosen options' names. A vote that cannot be decrypted — the
// poll's secret is unknown to this device — is acked without an event:
// WhatsApp redelivering it would not make the secret appear.
func (s *Session) handlePollVote(ctx context.Context, l *link, evt *waEvents.Message) bool {
	e, err := s.translatePollVote(ctx, l, evt)
	if err != nil {
		s.log.Warn("poll vote not decrypted; no event", "chat", evt.Info.Chat.String(), "msg_id", evt.Info.ID, "error", err)
		return true
	}
	if err := s.keepInbound(ctx, l, &e); err != nil {
		s.log.Error("emitting poll vote failed; WhatsApp will redeliver", "chat", e.Subject, "msg_id", evt.Info.ID, "error", err)
		return false
	}
	return true
}

func (s *Session) translatePollVote(ctx context.Context, l *link, evt *waEvents.Message) (events.Event, error) {
	vote, err := l.client.DecryptPollVote(ctx, evt)
	if err != nil {
		return events.Event{}, err
	}
	info := evt.Info
	chat := info.Chat.ToNonAD()
	own := s.selfOf(l).identity()
	key := evt.Message.GetPollUpdateMessage().GetPollCreationMessageKey()
	pollFromMe := pollIsOurs(info, own, key)
	// The poll's options come from the raw message cache: a vote names
	// them only by hash. An unknown poll still gives its vote, as hashes.
	var options []string
	poll, err := s.d.index.Lookup(s.name, key.GetID(), chat)
	switch {
	case err == nil:
		options, pollFromMe = pollOptionNames(poll.Message), poll.FromMe
	case werr.From(err).Code != werr.CodeMessageNotFound:
		return events.Event{}, err
	}
	chosen, unknown := nameVotes(options, vote.GetSelectedOptions())
	data := events.PollVote{
		ID:      msgid.Format(info.IsFromMe, chat.String(), info.ID),
		WAID:    info.ID,
		PollID:  msgid.Format(pollFromMe, chat.String(), key.GetID()),
		Chat:    chatForms(info.MessageSource),
		Voter:   senderForms(info.MessageSource, own),
		IsGroup: info.IsGroup, FromMe: info.IsFromMe,
		Options: chosen, UnknownOptions: unknown,
		Timestamp: info.Timestamp.UTC(),
	}
	if ms := evt.Message.GetPollUpdateMessage().GetSenderTimestampMS(); ms > 0 {
		data.Timestamp = time.UnixMilli(ms).UTC()
	}
	return events.Event{
		Type: events.TypePollVote, Session: s.name, Subject: chat.String(), Time: data.Timestamp,
		Key:  chat.String() + "|" + info.Sender.ToNonAD().String() + "|" + info.ID,
		Data: data,
	}, nil
}

// pollIsOurs reads the poll's key, which is written from the voter's point
// of view: FromMe there means the voter's own poll. In a direct chat the
// poll is ours unless it is the voter's; in a group its participant says.
func pollIsOurs(info types.MessageInfo, own identity, key interface {
	GetFromMe() bool
	GetParticipant() string
}) bool {
	if info.IsFromMe {
		return key.GetFromMe()
	}
	if key.GetFromMe() {
		return false
	}
	if !info.IsGroup {
		return true
	}
	p, err := types.ParseJID(key.GetParticipant())
	return err == nil && own.is(p)
}

// nameVotes maps the chosen options' SHA-256 hashes to the option names,
// in the poll's order; hashes of no known option come back as hex.
func nameVotes(options []string, hashes [][]byte) (chosen, unknown []string) {
	picked := make(map[[sha256.Size]byte]bool, len(hashes))
	for _, h := range hashes {
		if len(h) == sha256.Size {
			picked[[sha256.Size]byte(h)] = true
		}
	}
	chosen = []string{}
	for _, o := range options {
		sum := sha256.Sum256([]byte(o))
		if picked[sum] {
			chosen = append(chosen, o)
			delete(picked, sum)
		}
	}
	for _, h := range hashes {
		if len(h) != sha256.Size || picked[[sha256.Size]byte(h)] {
			unknown = append(unknown, hex.EncodeToString(h))
		}
	}
	return chosen, unknown
}

// pollOptionNames are the options of a poll message in any of the fields
// WhatsApp has used for polls (V2, V3 and V5 are the same message under
// other numbers).
func pollOptionNames(m *waE2E.Message) []string {
	for _, p := range []*waE2E.PollCreationMessage{
		m.GetPollCreationMessage(), m.GetPollCreationMessageV2(),
		m.GetPollCreationMessageV3(), m.GetPollCreationMessageV5(),
	} {
		if p != nil {
			names := make([]string, 0, len(p.GetOptions()))
			for _, o := range p.GetOptions() {
				names = append(names, o.GetOptionName())
			}
			return names
		}
	}
	return nil
}
