// Package chatstore is the SQL store behind chat.list and chat.messages: a
// projection of the WA_EVENTS stream (DESIGN.md §Storage). A durable
// JetStream consumer applies each event in stream order, in one SQL
// transaction with the stream sequence it reached, so a redelivery or a
// replay applies nothing twice; an event id applied once is never applied
// again either (a WhatsApp redelivery after the dedup window). The store can
// be dropped and rebuilt from the stream (Rebuild).
//
// Besides WhatsApp's events it applies the results of the commands that
// WhatsApp echoes nothing of to this device: a successful send.* or
// message.forward is a message from_me (the chat's last message, no unread
// change), a successful message.read clears the chat's unread count. Like
// every message, a sent one's from is a phone-number JID: the account's
// own, as the last session.paired or session.connected named it (without
// the device), or SenderMe ("me") while the stream named none. A store
// built by an older projection version, which did not apply what this one
// does, is rebuilt from the stream at start.
//
// SQL is written for SQLite (modernc, the default, in the data directory)
// and PostgreSQL alike: $n placeholders, INTEGER/BIGINT/TEXT columns only,
// times as Unix nanoseconds, INSERT … ON CONFLICT for upserts. On
// PostgreSQL (OpenDB, or Config.Driver postgres) the columns that reads
// order by compare byte-wise, as in SQLite, whatever the database's
// collation (migration 7).
//
// It may import events, events/chatview, internal packages and nats.go.
package chatstore
