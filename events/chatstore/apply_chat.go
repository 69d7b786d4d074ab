package chatstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/events"
)

// applyChatUpdated sets what another device or the history sync said of a
// chat; fields the event leaves nil stay as they are.
func applyChatUpdated(ctx context.Context, t *txn, e applied) error {
	var u events.ChatUpdated
	if err := decode(e, &u); err != nil {
		return err
	}
	jid := u.Chat.JID
	if jid == "" {
		return fmt.Errorf("%w: %s %s has no chat", errBadEvent, e.Type, e.ID)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO chats (session, jid, is_group) VALUES ($1, $2, $3)
		ON CONFLICT (session, jid) DO NOTHING`, e.Session, jid, boolInt(isGroupJID(jid))); err != nil {
		return fmt.Errorf("creating chat %s: %w", jid, err)
	}
	sets, args := chatChanges(u)
	if len(sets) == 0 {
		return nil
	}
	args = append(args, e.Session, jid)
	q := fmt.Sprintf(`UPDATE chats SET %s WHERE session = $%d AND jid = $%d`,
		strings.Join(sets, ", "), len(args)-1, len(args))
	if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("updating chat %s: %w", jid, err)
	}
	return nil
}

// chatChanges are the SET clauses (numbered from $1) and their arguments.
func chatChanges(u events.ChatUpdated) (sets []string, args []any) {
	set := func(clause string, arg any) {
		args = append(args, arg)
		sets = append(sets, fmt.Sprintf(clause, len(args)))
	}
	if u.Name != "" {
		set("name = $%d", u.Name)
	}
	if u.Archived != nil {
		set("archived = $%d", boolInt(*u.Archived))
	}
	if u.Pinned != nil {
		set("pinned = $%d", boolInt(*u.Pinned))
	}
	if u.Muted != nil {
		set("muted_until = $%d", mutedUntil(u))
	}
	switch {
	case u.UnreadCount != nil:
		set("unread_count = $%d", max(0, *u.UnreadCount))
	case u.Read != nil && *u.Read:
		set("unread_count = $%d", 0)
	case u.Read != nil:
		// Marked unread: WhatsApp shows at least one unread message.
		set("unread_count = CASE WHEN unread_count < $%[1]d THEN $%[1]d ELSE unread_count END", 1)
	}
	return sets, args
}

// mutedUntil is the muted_until column of a mute change: NULL when unmuted,
// mutedForever for a mute without end.
// mutedForever is the muted_until of a mute without end (chatview's
// MutedForever does not fit Unix nanoseconds).
const mutedForever = -1

func mutedUntil(u events.ChatUpdated) any {
	switch {
	case !*u.Muted:
		return nil
	case u.MutedUntil == nil:
		return mutedForever
	}
	return u.MutedUntil.UnixNano()
}
