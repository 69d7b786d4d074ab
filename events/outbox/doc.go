// Package outbox is the durable queue between the bridge and JetStream: an
// event or command result is in the bbolt outbox, fsynced, before Emit or
// Put returns, and the publisher drains it into the events stream with
// Nats-Msg-Id = CloudEvent id.
//
// It may import events, internal packages and nats.go; never whatsmeow.
package outbox
