// Package outbox is the durable queue between the bridge and JetStream: an
// event or command result is in the bbolt outbox, fsynced, before Emit or
// Put returns, and the publisher drains it into the events stream with
// Nats-Msg-Id = CloudEvent id, one lane per session. An entry leaves the
// outbox only once JetStream has had time to make it durable
// (PublisherConfig.DurableAfter); an id emitted before, within a horizon of
// days, is not stored again (the emitted ledger).
//
// It may import events, internal packages and nats.go; never whatsmeow.
package outbox
