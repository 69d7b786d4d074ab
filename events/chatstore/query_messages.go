package chatstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events/chatview"
)

// Messages answers chat.messages: the chat's messages newest first.
func (s *Store) Messages(ctx context.Context, session, chat string, q chatview.MessageQuery) (chatview.MessagePage, error) {
	where := []string{"session = $1", "chat = $2"}
	args := []any{session, chat}
	if q.Since != nil {
		args = append(args, q.Since.UnixNano())
		where = append(where, fmt.Sprintf("timestamp >= $%d", len(args)))
	}
	if q.Before != "" {
		cur, err := chatview.DecodeCursor(q.Before)
		if err != nil {
			return chatview.MessagePage{}, err
		}
		t := cur.Time.UnixNano()
		args = append(args, t, cur.ID)
		n := len(args)
		where = append(where, fmt.Sprintf("(timestamp < $%d OR (timestamp = $%d AND wa_id < $%d))", n-1, n-1, n))
	}
	if err := s.chatExists(ctx, session, chat); err != nil {
		return chatview.MessagePage{}, err
	}
	limit := chatview.ClampLimit(q.Limit)
	args = append(args, limit+1)
	rows, err := s.r.QueryContext(ctx, `SELECT wa_id, id, text, sender, timestamp, type, from_me,
			quoted, edited, revoked, media, receipt
		FROM messages WHERE `+strings.Join(where, " AND ")+`
		ORDER BY timestamp DESC, wa_id DESC LIMIT $`+fmt.Sprint(len(args)), args...)
	if err != nil {
		return chatview.MessagePage{}, fmt.Errorf("reading messages of %s: %w", chat, err)
	}
	defer rows.Close()
	page := chatview.MessagePage{Messages: []chatview.Message{}}
	var waIDs []string
	for rows.Next() {
		m, waID, err := scanMessage(rows)
		if err != nil {
			return chatview.MessagePage{}, fmt.Errorf("reading messages of %s: %w", chat, err)
		}
		page.Messages, waIDs = append(page.Messages, m), append(waIDs, waID)
	}
	if err := rows.Err(); err != nil {
		return chatview.MessagePage{}, fmt.Errorf("reading messages of %s: %w", chat, err)
	}
	if err := s.attachReactions(ctx, session, chat, page.Messages, waIDs); err != nil {
		return chatview.MessagePage{}, err
	}
	if err := s.attachPolls(ctx, session, chat, page.Messages, waIDs); err != nil { // query_polls.go
		return chatview.MessagePage{}, err
	}
	if len(page.Messages) > limit {
		page.Messages = page.Messages[:limit]
		page.NextCursor = chatview.Cursor{Time: page.Messages[limit-1].Timestamp, ID: waIDs[limit-1]}.Encode()
	}
	return page, nil
}

func (s *Store) chatExists(ctx context.Context, session, chat string) error {
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM chats WHERE session = $1 AND jid = $2`, session, chat).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", chatview.ErrChatNotFound, chat)
	}
	if err != nil {
		return fmt.Errorf("looking up chat %s: %w", chat, err)
	}
	return nil
}

func scanMessage(rows *sql.Rows) (chatview.Message, string, error) {
	var (
		m                       chatview.Message
		waID                    string
		ts                      int64
		fromMe, edited, revoked int
		receipt                 int
		quoted, media           sql.NullString
	)
	if err := rows.Scan(&waID, &m.ID, &m.Message, &m.From, &ts, &m.Type, &fromMe,
		&quoted, &edited, &revoked, &media, &receipt); err != nil {
		return m, "", err
	}
	m.Receipt = receiptName(receipt) // apply_receipt.go
	m.Timestamp = time.Unix(0, ts).UTC()
	m.FromMe, m.Edited, m.Revoked = fromMe != 0, edited != 0, revoked != 0
	if quoted.Valid {
		m.Quoted = &chatview.Quoted{}
		if err := json.Unmarshal([]byte(quoted.String), m.Quoted); err != nil {
			return m, "", fmt.Errorf("decoding quoted message of %s: %w", m.ID, err)
		}
	}
	if media.Valid {
		m.Media = json.RawMessage(media.String)
	}
	return m, waID, nil
}
