// Package natsbus is the NATS side of wabridge's wiring: subject names, the
// embedded nats-server, the JetStream streams WA_COMMANDS and WA_EVENTS.
// It imports only NATS libraries.
package natsbus
