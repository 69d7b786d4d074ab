// Package bridge runs WhatsApp sessions on whatsmeow: one Session per linked
// account (login by QR code or pairing code, connect, reconnect, logout),
// building the whatsmeow messages it sends, translating whatsmeow's events
// into events.Event for an events.Sink, and the bbolt message index that
// replies and quotes need. A Manager owns the sessions of a process.
//
// It talks to whatsmeow only through small capability ports (connector,
// loginClient, messageSender, eventSource, each beside its user; Client is
// their union) whose methods are whatsmeow's own, so tests and
// bridge/sandbox can stand in for WhatsApp; they embed UnsupportedClient for
// what they do not simulate. Every whatsmeow error is classified in
// errors.go.
//
// It may import events (types only), internal packages, whatsmeow, bbolt and
// go-qrcode; nothing else of the project.
package bridge
