// Package commands is the one path every command takes, whoever sends it
// (REST, NATS request-reply, JetStream): the catalog of commands (one typed
// payload, schema and handler each, registered in Catalog), checking the
// command CloudEvent, validating its data against its schema, idempotency
// by CloudEvent source+id (bbolt), running the handler against a session,
// and building the result CloudEvent.
//
// Transports derive what they serve from Catalog. It may import bridge (for
// the request/result types), schemas, internal/werr and internal/natsbus
// (for the session name rule); never whatsmeow.
package commands
