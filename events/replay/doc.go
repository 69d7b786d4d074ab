// Package replay reads the audit log WA_EVENTS back (CONTRACT §10): a
// bounded replay of any past stretch, and the live tail. A Query's chats
// and types become JetStream filter subjects (server-side filtering, thanks
// to the chat token in wa.<session>.evt.<chat>.<event>), its since and
// from_seq the consumer's start position; until, to_seq and the stream's
// last sequence at the start of a replay end it. Reading is an ordered
// consumer with bounded pull batches, so memory stays constant however long
// the stretch.
//
// Each event is handed over as a structured CloudEvent (JSON event format)
// with the extension seq, its stream sequence, whichever content mode it was
// stored in.
//
// replay may import the events catalog, internal/* and nats.go.
package replay
