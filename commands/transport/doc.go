// Package transport carries commands over NATS into the commands dispatcher
// and carries their results back (CONTRACT §4):
//
//   - RPCServer serves wa.<session>.rpc.<name> with core NATS request-reply in
//     a queue group; the reply is the result CloudEvent.
//   - Durable consumes wa.<session>.cmd.<name> from the JetStream stream
//     WA_COMMANDS through a Watermill router (retry, poison queue), acking a
//     command only after its result is recorded.
//
// Every result, of either transport, is first put into a ResultSink on
// wa.<session>.result.<name>, the audit trail.
//
// It may import commands (for its Result type), internal/cenats,
// internal/natsbus, internal/werr, NATS and Watermill; nothing else of the
// project.
package transport
