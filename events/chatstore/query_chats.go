package chatstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events/chatview"
)

// chatName is a chat's display name: the one WhatsApp gave the chat (a
// group's subject, a name from the sync), else the contact's full name,
// else the push name the contact chose.
const chatName = `CASE WHEN c.name <> '' THEN c.name
	WHEN COALESCE(ct.full_name, '') <> '' THEN ct.full_name
	ELSE COALESCE(ct.push_name, '') END`

// ListChats answers chat.list: pinned chats first, then the others, each
// newest last message first (as WhatsApp lists them); chats without any
// message come last.
func (s *Store) ListChats(ctx context.Context, session string, q chatview.ChatQuery) (chatview.ChatPage, error) {
	where, args, err := chatFilter(session, q, s.foldSQL)
	if err != nil {
		return chatview.ChatPage{}, err
	}
	limit := chatview.ClampLimit(q.Limit)
	args = append(args, limit+1)
	query := `SELECT c.jid, ` + chatName + `, c.last_message, c.last_message_time, c.unread_count,
			c.archived, c.pinned, c.is_group, c.muted_until
		FROM chats c LEFT JOIN contacts ct ON ct.session = c.session AND ct.jid = c.jid
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY c.pinned DESC, c.last_message_time DESC, c.jid DESC
		LIMIT $` + fmt.Sprint(len(args))
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return chatview.ChatPage{}, fmt.Errorf("listing chats of %s: %w", session, err)
	}
	defer rows.Close()
	page := chatview.ChatPage{Chats: []chatview.Chat{}}
	var lastTimes []int64
	for rows.Next() {
		c, lmt, err := scanChat(rows)
		if err != nil {
			return chatview.ChatPage{}, fmt.Errorf("listing chats of %s: %w", session, err)
		}
		page.Chats, lastTimes = append(page.Chats, c), append(lastTimes, lmt)
	}
	if err := rows.Err(); err != nil {
		return chatview.ChatPage{}, fmt.Errorf("listing chats of %s: %w", session, err)
	}
	if len(page.Chats) > limit {
		page.Chats = page.Chats[:limit]
		last := page.Chats[limit-1]
		page.NextCursor = chatview.Cursor{Rank: boolInt(last.Pinned), Time: time.Unix(0, lastTimes[limit-1]).UTC(), ID: last.JID}.Encode()
	}
	return page, nil
}

// chatFilter is the WHERE of a chat query, its arguments numbered from $1;
// fold is the database's case folding of an SQL expression (see fold.go).
func chatFilter(session string, q chatview.ChatQuery, fold func(expr string) string) (where []string, args []any, err error) {
	add := func(clause string, vals ...any) {
		n := make([]any, len(vals))
		for i, v := range vals {
			args = append(args, v)
			n[i] = len(args)
		}
		where = append(where, fmt.Sprintf(clause, n...))
	}
	add("c.session = $%d", session)
	if q.Archived != nil {
		add("c.archived = $%d", boolInt(*q.Archived))
	}
	if q.IsGroup != nil {
		add("c.is_group = $%d", boolInt(*q.IsGroup))
	}
	if q.Q != "" {
		// Name and pattern folded alike by the database, so that both
		// sides of LIKE follow the same rules (ESCAPE's \ % _ fold to
		// themselves).
		add(fold(chatName)+" LIKE "+fold("$%d")+" ESCAPE '\\'", "%"+likeEscape(q.Q)+"%")
	}
	if q.Before != "" {
		cur, err := chatview.DecodeCursor(q.Before)
		if err != nil {
			return nil, nil, err
		}
		t := cur.Time.UnixNano()
		add(`(c.pinned < $%d OR (c.pinned = $%d AND (c.last_message_time < $%d
			OR (c.last_message_time = $%d AND c.jid < $%d))))`, cur.Rank, cur.Rank, t, t, cur.ID)
	}
	return where, args, nil
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func scanChat(rows *sql.Rows) (chatview.Chat, int64, error) {
	var (
		c                         chatview.Chat
		lmt                       int64
		archived, pinned, isGroup int
		muted                     sql.NullInt64
	)
	if err := rows.Scan(&c.JID, &c.Name, &c.LastMessage, &lmt, &c.UnreadCount,
		&archived, &pinned, &isGroup, &muted); err != nil {
		return c, 0, err
	}
	c.Archived, c.Pinned, c.IsGroup = archived != 0, pinned != 0, isGroup != 0
	if lmt != 0 {
		t := time.Unix(0, lmt).UTC()
		c.LastMessageTime = &t
	}
	switch {
	case muted.Valid && muted.Int64 == mutedForever:
		t := chatview.MutedForever
		c.MutedUntil = &t
	case muted.Valid:
		t := time.Unix(0, muted.Int64).UTC()
		c.MutedUntil = &t
	}
	return c, lmt, nil
}
