package chatstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wabridge/wabridge/events"
)

// keepPoll records the options of poll message m, whose votes name them
// by their text. A poll arriving again (a history sync of a poll the
// store holds) keeps the options first recorded.
func (t *txn) keepPoll(ctx context.Context, session string, m messageData) error {
	options, err := json.Marshal(nonNil(m.Poll.Options))
	if err != nil {
		return fmt.Errorf("encoding the options of poll %s: %w", m.ID, err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO polls (session, chat, wa_id, question, options, selectable)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session, chat, wa_id) DO NOTHING`,
		session, m.Chat.JID, m.WAID, m.Poll.Question, string(options), m.Poll.SelectableCount); err != nil {
		return fmt.Errorf("keeping poll %s: %w", m.ID, err)
	}
	return nil
}

// applyPollVote keeps the voter's vote on the poll, replacing an earlier
// one: WhatsApp counts each voter's latest vote, and a vote of no options
// withdraws it. An older vote than the one kept (a history sync after the
// live vote) changes nothing. A vote on a poll the store does not hold
// yet is kept all the same; it counts once the poll arrives.
func applyPollVote(ctx context.Context, t *txn, e applied) error {
	var v events.PollVote
	if err := decode(e, &v); err != nil {
		return err
	}
	poll, err := targetOf(e, v.PollID)
	if err != nil {
		return err
	}
	voter := jidOf(v.Voter)
	if voter == "" {
		return fmt.Errorf("%w: %s %s has no voter", errBadEvent, e.Type, e.ID)
	}
	options, err := json.Marshal(nonNil(v.Options))
	if err != nil {
		return fmt.Errorf("encoding the vote %s: %w", v.ID, err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO poll_votes (session, chat, wa_id, voter, options, timestamp)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (session, chat, wa_id, voter) DO UPDATE SET
			options = CASE WHEN excluded.timestamp >= poll_votes.timestamp THEN excluded.options ELSE poll_votes.options END,
			timestamp = CASE WHEN excluded.timestamp >= poll_votes.timestamp THEN excluded.timestamp ELSE poll_votes.timestamp END`,
		e.Session, poll.chat, poll.waID, voter, string(options), v.Timestamp.UnixNano()); err != nil {
		return fmt.Errorf("keeping %s's vote on %s: %w", voter, poll.id, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
