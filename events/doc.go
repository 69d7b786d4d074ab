// Package events turns what the bridge sees on WhatsApp into CloudEvents and
// delivers them: the event catalog and data types, the bbolt outbox (an event
// is durable once Emit returns), the publisher that drains the outbox into
// JetStream WA_EVENTS with Nats-Msg-Id, and later webhooks and replay.
//
// It may import schemas and internal packages; never go.mau.fi/whatsmeow.
package events
