// Package transport carries commands over NATS into the commands dispatcher
// and carries their results back (CONTRACT §4):
//
//   - RPCServer serves wa.<session>.rpc.<name> with core NATS request-reply in
//     a queue group; the reply is the result CloudEvent. A session's handler
//     slots are bounded: a request finding them full is answered BUSY at
//     once, and one whose caller's expirytime has passed is never run.
//   - Durable consumes wa.<session>.cmd.<name> from the JetStream stream
//     WA_COMMANDS through a Watermill router, from one durable consumer per
//     session that it creates explicitly and never deletes. A command is
//     acked once the dispatcher answers it with a final result; a transient
//     failure is redelivered with a growing delay until it passes or the
//     command's lifetime ends it (EXPIRED). Backlog reports each session's
//     queue and the age of its oldest command.
//
// Both serve only the sessions this process runs (one subscription, or one
// durable consumer, per session), so processes sharing a NATS never answer
// for each other's sessions.
//
// The dispatcher writes the results of commands to the audit trail
// (wa.<session>.result.<name>); the transports put only the rejections of
// input that never reached it, because it was no CloudEvent at all, into a
// ResultSink.
//
// It may import commands (for Call and Result), internal/cenats,
// internal/natsbus, internal/werr, internal/store (the ResultSink's
// signature), NATS and Watermill; nothing else of the project.
package transport
