// Package bridge runs WhatsApp sessions on whatsmeow: one Session per linked
// account (login by QR code or pairing code, connect, reconnect, logout),
// building the whatsmeow messages it sends, translating whatsmeow's events
// into events.Event for an events.Sink, and the bbolt message index that
// replies and quotes need. A Manager owns the sessions of a process.
//
// It talks to whatsmeow only through the Client port (whatsmeow's own method
// set), so tests and bridge/sandbox can stand in for WhatsApp.
//
// It may import events (types only), internal packages, whatsmeow, bbolt and
// go-qrcode; nothing else of the project.
package bridge
