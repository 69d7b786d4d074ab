// Package events is the event catalog: the CloudEvent types wabridge emits
// for what happens on WhatsApp, their data structs, one Catalog entry per
// type (schema, sample, summary; AsyncAPI and the schema tests derive from
// it), Validate for tests that check what they emit, and how an Event
// becomes a CloudEvent (deterministic id, source, subject, time). Delivery
// lives in its subpackages: events/outbox (the bbolt outbox and its
// publisher into JetStream), later webhooks, replay and the store projector.
//
// It may import schemas and internal packages without NATS; never
// go.mau.fi/whatsmeow, never nats.go (its subpackages may). The architecture
// test (internal/archtest) holds it to that.
package events
