package chatstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The projector's SQL of every event. modernc's SQLite keeps no statement
// cache, so each ExecContext of a query string parsed and planned the SQL
// again; that was the largest cost of applying a history sync. These are
// prepared once on the write pool (statements) and bound to each
// transaction (txn.bind).
const (
	sqlMarkApplied = `INSERT INTO applied_events (event_id, session) VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`

	sqlInsertMessage = `INSERT INTO messages
		(session, chat, wa_id, id, sender, from_me, type, text, timestamp, quoted, media)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (session, chat, wa_id) DO NOTHING`

	// A message with the same time as the last one replaces it (>=): the
	// later in stream order wins, as if the messages came one by one.
	sqlTouchChat = `INSERT INTO chats
		(session, jid, is_group, unread_count, last_message, last_message_time, last_message_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (session, jid) DO UPDATE SET
			unread_count = chats.unread_count + excluded.unread_count,
			last_message = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message ELSE chats.last_message END,
			last_message_id = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message_id ELSE chats.last_message_id END,
			last_message_time = CASE WHEN excluded.last_message_time >= chats.last_message_time
				THEN excluded.last_message_time ELSE chats.last_message_time END`

	// Only names that are set replace the stored ones.
	sqlUpsertContact = `INSERT INTO contacts
		(session, jid, push_name, full_name, first_name, business_name)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (session, jid) DO UPDATE SET
			push_name = CASE WHEN excluded.push_name <> '' THEN excluded.push_name ELSE contacts.push_name END,
			full_name = CASE WHEN excluded.full_name <> '' THEN excluded.full_name ELSE contacts.full_name END,
			first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE contacts.first_name END,
			business_name = CASE WHEN excluded.business_name <> '' THEN excluded.business_name ELSE contacts.business_name END`

	sqlPosition = `SELECT stream_seq FROM projector_position WHERE name = $1`

	sqlSetPosition = `INSERT INTO projector_position (name, stream_seq, version) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET stream_seq = excluded.stream_seq, version = excluded.version`
)

// statements are the projector's prepared statements on the write pool.
type statements struct {
	markApplied, insertMessage, touchChat, upsertContact, position, setPosition *sql.Stmt
}

// prepareStatements prepares them after the migrations made the tables.
func prepareStatements(ctx context.Context, db *sql.DB) (*statements, error) {
	st := &statements{}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.markApplied, sqlMarkApplied},
		{&st.insertMessage, sqlInsertMessage},
		{&st.touchChat, sqlTouchChat},
		{&st.upsertContact, sqlUpsertContact},
		{&st.position, sqlPosition},
		{&st.setPosition, sqlSetPosition},
	} {
		s, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("preparing the chat store's statements: %w", err)
		}
		*p.dst = s
	}
	return st, nil
}

// Close closes the statements prepared so far.
func (st *statements) Close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.markApplied, st.insertMessage, st.touchChat, st.upsertContact, st.position, st.setPosition} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
