package chatstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events/chatview"
)

// attachReactions fills the reactions of a page's messages (waIDs[i] is
// msgs[i]'s WhatsApp id), oldest reaction first, in one query.
func (s *Store) attachReactions(ctx context.Context, session, chat string, msgs []chatview.Message, waIDs []string) error {
	if len(waIDs) == 0 {
		return nil
	}
	args := []any{session, chat}
	marks := make([]string, len(waIDs))
	at := make(map[string]int, len(waIDs))
	for i, id := range waIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", len(args))
		at[id] = i
	}
	rows, err := s.r.QueryContext(ctx, `SELECT wa_id, reactor, emoji, timestamp FROM reactions
		WHERE session = $1 AND chat = $2 AND wa_id IN (`+strings.Join(marks, ", ")+`)
		ORDER BY timestamp, reactor`, args...)
	if err != nil {
		return fmt.Errorf("reading reactions in %s: %w", chat, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			waID string
			r    chatview.Reaction
			ts   int64
		)
		if err := rows.Scan(&waID, &r.From, &r.Emoji, &ts); err != nil {
			return fmt.Errorf("reading reactions in %s: %w", chat, err)
		}
		r.Timestamp = time.Unix(0, ts).UTC()
		i := at[waID]
		msgs[i].Reactions = append(msgs[i].Reactions, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading reactions in %s: %w", chat, err)
	}
	return nil
}
