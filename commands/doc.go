// Package commands is the one path every command takes, whoever sends it
// (REST, NATS request-reply, JetStream): the catalog of commands (one typed
// payload, port, schema and handler each, registered in Catalog as a query
// or an effect), checking the command CloudEvent, validating its data
// against its schema, idempotency of effects by session + source + id bound
// to a fingerprint of type and data (bbolt), the command's lifetime,
// running the handler against the port it needs of a session, and building
// the result CloudEvent. An effect's final result, its idempotency record
// and the handler's own writes (a send's raw message) are one transaction
// through Audit (the outbox).
//
// Transports derive what they serve from Catalog and call Dispatch. It may
// import bridge (for the request/result types), schemas, events (the event catalog,
// for AsyncAPI), internal/store, internal/werr, internal/ident and
// internal/natsbus; never whatsmeow.
package commands
