// Package chatstore is the SQL store behind chat.list and chat.messages: a
// projection of the WA_EVENTS stream (DESIGN.md §Storage). A durable
// JetStream consumer applies each event in stream order, in one SQL
// transaction with the stream sequence it reached, so a redelivery or a
// replay applies nothing twice; an event id applied once is never applied
// again either (a WhatsApp redelivery after the dedup window). The store can
// be dropped and rebuilt from the stream (Rebuild).
//
// SQL is written for SQLite (modernc, the default, in the data directory)
// and PostgreSQL alike: $n placeholders, INTEGER/BIGINT/TEXT columns only,
// times as Unix nanoseconds, INSERT … ON CONFLICT for upserts.
//
// It may import events, events/chatview, internal packages and nats.go.
package chatstore
