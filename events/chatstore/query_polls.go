package chatstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/events/chatview"
)

// attachPolls fills the tallies of a page's poll messages (waIDs[i] is
// msgs[i]'s WhatsApp id): each option with the voters whose latest vote
// chose it, in the order they voted. A revoked poll shows none.
func (s *Store) attachPolls(ctx context.Context, session, chat string, msgs []chatview.Message, waIDs []string) error {
	at := map[string]int{}
	args := []any{session, chat}
	var marks []string
	for i, m := range msgs {
		if m.Type == "poll" && !m.Revoked {
			at[waIDs[i]] = i
			args = append(args, waIDs[i])
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(marks) == 0 {
		return nil
	}
	in := strings.Join(marks, ", ")
	if err := s.readPolls(ctx, chat, in, args, msgs, at); err != nil {
		return err
	}
	return s.countVotes(ctx, chat, in, args, msgs, at)
}

// readPolls sets the Poll of each message at names that the store has the
// poll's options of.
func (s *Store) readPolls(ctx context.Context, chat, in string, args []any, msgs []chatview.Message, at map[string]int) error {
	rows, err := s.r.QueryContext(ctx, `SELECT wa_id, question, options, selectable FROM polls
		WHERE session = $1 AND chat = $2 AND wa_id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("reading polls in %s: %w", chat, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			waID, options string
			p             chatview.Poll
		)
		if err := rows.Scan(&waID, &p.Question, &options, &p.SelectableCount); err != nil {
			return fmt.Errorf("reading polls in %s: %w", chat, err)
		}
		var names []string
		if err := json.Unmarshal([]byte(options), &names); err != nil {
			return fmt.Errorf("decoding the options of poll %s: %w", waID, err)
		}
		p.Options = make([]chatview.PollOption, len(names))
		for i, n := range names {
			p.Options[i] = chatview.PollOption{Name: n, Voters: []string{}}
		}
		msgs[at[waID]].Poll = &p
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading polls in %s: %w", chat, err)
	}
	return nil
}

// countVotes adds each voter's latest vote to the options it chose; a
// name that is no option of the poll (the voter's client knew another
// version of it) is not counted.
func (s *Store) countVotes(ctx context.Context, chat, in string, args []any, msgs []chatview.Message, at map[string]int) error {
	rows, err := s.r.QueryContext(ctx, `SELECT wa_id, voter, options FROM poll_votes
		WHERE session = $1 AND chat = $2 AND wa_id IN (`+in+`)
		ORDER BY timestamp, voter`, args...)
	if err != nil {
		return fmt.Errorf("reading poll votes in %s: %w", chat, err)
	}
	defer rows.Close()
	for rows.Next() {
		var waID, voter, options string
		if err := rows.Scan(&waID, &voter, &options); err != nil {
			return fmt.Errorf("reading poll votes in %s: %w", chat, err)
		}
		p := msgs[at[waID]].Poll
		if p == nil {
			continue // votes on a poll whose options the store never saw
		}
		var chosen []string
		if err := json.Unmarshal([]byte(options), &chosen); err != nil {
			return fmt.Errorf("decoding %s's vote on %s: %w", voter, waID, err)
		}
		for _, name := range chosen {
			for i := range p.Options {
				if o := &p.Options[i]; o.Name == name {
					o.Votes++
					o.Voters = append(o.Voters, voter)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading poll votes in %s: %w", chat, err)
	}
	return nil
}
