package chatstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations are the schema's versions, in order; version n is
// migrations(postgres)[n-1]. Append, never edit: a store that ran a version
// does not run it again. A version may differ between the databases
// (postgres is true on PostgreSQL) but exists on both.
func migrations(postgres bool) [][]string {
	return [][]string{
		{ // 1: chats, messages, contacts, and what the projector applied.
			`CREATE TABLE chats (
			session TEXT NOT NULL,
			jid TEXT NOT NULL,
			name TEXT NOT NULL DEFAULT '',
			is_group INTEGER NOT NULL DEFAULT 0,
			archived INTEGER NOT NULL DEFAULT 0,
			pinned INTEGER NOT NULL DEFAULT 0,
			muted_until BIGINT,
			unread_count INTEGER NOT NULL DEFAULT 0,
			last_message TEXT NOT NULL DEFAULT '',
			last_message_time BIGINT NOT NULL DEFAULT 0,
			last_message_id TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (session, jid))`,
			// The listing's order: pinned first, newest last message first.
			`CREATE INDEX chats_order ON chats (session, pinned, last_message_time, jid)`,
			`CREATE TABLE messages (
			session TEXT NOT NULL,
			chat TEXT NOT NULL,
			wa_id TEXT NOT NULL,
			id TEXT NOT NULL,
			sender TEXT NOT NULL DEFAULT '',
			from_me INTEGER NOT NULL DEFAULT 0,
			type TEXT NOT NULL DEFAULT '',
			text TEXT NOT NULL DEFAULT '',
			timestamp BIGINT NOT NULL,
			quoted TEXT,
			edited INTEGER NOT NULL DEFAULT 0,
			revoked INTEGER NOT NULL DEFAULT 0,
			media TEXT,
			PRIMARY KEY (session, chat, wa_id))`,
			`CREATE INDEX messages_order ON messages (session, chat, timestamp, wa_id)`,
			`CREATE TABLE contacts (
			session TEXT NOT NULL,
			jid TEXT NOT NULL,
			push_name TEXT NOT NULL DEFAULT '',
			full_name TEXT NOT NULL DEFAULT '',
			first_name TEXT NOT NULL DEFAULT '',
			business_name TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (session, jid))`,
			// Event ids applied once: a WhatsApp redelivery published again
			// after the stream's dedup window has a new sequence, not a new id.
			`CREATE TABLE applied_events (
			event_id TEXT NOT NULL PRIMARY KEY,
			session TEXT NOT NULL)`,
			`CREATE TABLE projector_position (
			name TEXT NOT NULL PRIMARY KEY,
			stream_seq BIGINT NOT NULL)`,
		},
		{ // 2: messages sent through the bridge (from command results).
			// The account's own number: the sender of those messages.
			`CREATE TABLE accounts (
			session TEXT NOT NULL PRIMARY KEY,
			jid TEXT NOT NULL)`,
			// A reply or forward names its message by a bare id too.
			`CREATE INDEX messages_wa_id ON messages (session, wa_id)`,
			// What the projection applied up to its position (see
			// projectionVersion): a store of version 1 never saw results.
			`ALTER TABLE projector_position ADD COLUMN version INTEGER NOT NULL DEFAULT 1`,
		},
		{ // 3: reactions, one per reactor and message (apply_actions.go).
			`CREATE TABLE reactions (
			session TEXT NOT NULL,
			chat TEXT NOT NULL,
			wa_id TEXT NOT NULL,
			reactor TEXT NOT NULL,
			emoji TEXT NOT NULL,
			timestamp BIGINT NOT NULL,
			PRIMARY KEY (session, chat, wa_id, reactor))`,
		},
		{ // 4: groups and their members (apply_group.go).
			`CREATE TABLE groups (
			session TEXT NOT NULL,
			jid TEXT NOT NULL,
			name TEXT NOT NULL DEFAULT '',
			topic TEXT NOT NULL DEFAULT '',
			announce INTEGER NOT NULL DEFAULT 0,
			locked INTEGER NOT NULL DEFAULT 0,
			ephemeral_seconds BIGINT NOT NULL DEFAULT 0,
			join_approval INTEGER NOT NULL DEFAULT 0,
			picture_id TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (session, jid))`,
			// member is the form WhatsApp named the member by; pn and lid
			// the others known, so a change naming either finds the row.
			`CREATE TABLE group_members (
			session TEXT NOT NULL,
			group_jid TEXT NOT NULL,
			member TEXT NOT NULL,
			pn TEXT NOT NULL DEFAULT '',
			lid TEXT NOT NULL DEFAULT '',
			is_admin INTEGER NOT NULL DEFAULT 0,
			is_super_admin INTEGER NOT NULL DEFAULT 0,
			PRIMARY KEY (session, group_jid, member))`,
		},
		{ // 5: how far a sent message got (apply_receipt.go).
			`ALTER TABLE messages ADD COLUMN receipt INTEGER NOT NULL DEFAULT 0`,
		},
		{ // 6: polls and each voter's latest vote (apply_poll.go).
			`CREATE TABLE polls (
			session TEXT NOT NULL,
			chat TEXT NOT NULL,
			wa_id TEXT NOT NULL,
			question TEXT NOT NULL,
			options TEXT NOT NULL,
			selectable INTEGER NOT NULL DEFAULT 0,
			PRIMARY KEY (session, chat, wa_id))`,
			// wa_id is the poll's; options the chosen names (JSON), empty
			// when the vote was withdrawn.
			`CREATE TABLE poll_votes (
			session TEXT NOT NULL,
			chat TEXT NOT NULL,
			wa_id TEXT NOT NULL,
			voter TEXT NOT NULL,
			options TEXT NOT NULL,
			timestamp BIGINT NOT NULL,
			PRIMARY KEY (session, chat, wa_id, voter))`,
		},
		byteOrder(postgres), // 7
	}
}

// byteOrder makes PostgreSQL order the columns that the reads sort by or
// page on (the tie-breakers after a time) byte by byte, as SQLite does:
// in the database's collation (en-US, say) "3EB0AB" sorts before
// "3EB0aa", so messages of the same time came in another order than on
// SQLite. contacts.jid goes with chats.jid: the chat list joins them, and
// PostgreSQL compares two columns of different collations not at all.
// SQLite compares text byte-wise already: nothing to change there.
func byteOrder(postgres bool) []string {
	if !postgres {
		return nil
	}
	var stmts []string
	for _, c := range []struct{ table, column string }{
		{"chats", "jid"}, {"contacts", "jid"}, {"messages", "wa_id"},
		{"reactions", "reactor"}, {"poll_votes", "voter"}, {"group_members", "member"},
	} {
		stmts = append(stmts, `ALTER TABLE `+c.table+` ALTER COLUMN `+c.column+` TYPE TEXT COLLATE "C"`)
	}
	return stmts
}

// migrate brings db (PostgreSQL when postgres) to the newest schema
// version, each version in one transaction with its row in
// schema_migrations.
func migrate(ctx context.Context, db *sql.DB, postgres bool) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	all := migrations(postgres)
	if have > len(all) {
		return fmt.Errorf("chat store schema version %d is newer than this program's %d", have, len(all))
	}
	for v := have + 1; v <= len(all); v++ {
		if err := runMigration(ctx, db, v, all[v-1]); err != nil {
			return err
		}
	}
	return nil
}

func runMigration(ctx context.Context, db *sql.DB, version int, stmts []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating chat store to version %d: %w", version, err)
	}
	defer tx.Rollback()
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrating chat store to version %d: %w", version, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		version, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("recording chat store version %d: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrating chat store to version %d: %w", version, err)
	}
	return nil
}
