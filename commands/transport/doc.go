// Package transport carries commands over NATS into the commands dispatcher
// and carries their results back (CONTRACT §4):
//
//   - RPCServer serves wa.<session>.rpc.<name> with core NATS request-reply in
//     a queue group; the reply is the result CloudEvent.
//   - Durable consumes wa.<session>.cmd.<name> from the JetStream stream
//     WA_COMMANDS through a Watermill router, acking a command only after
//     its final result is recorded. Failures that depend on WhatsApp are
//     redelivered by JetStream with a growing delay until they pass; internal
//     errors are retried in-process, then moved to the poison subject.
//
// Both serve only the sessions this process runs (one subscription, or one
// durable consumer, per session), so processes sharing a NATS never answer
// for each other's sessions.
//
// Every result that ends a command, of either transport, is first put into
// a ResultSink on wa.<session>.result.<name>, the audit trail.
//
// It may import commands (for its Result type), internal/cenats,
// internal/natsbus, internal/werr, NATS and Watermill; nothing else of the
// project.
package transport
