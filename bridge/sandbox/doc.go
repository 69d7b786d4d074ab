// Package sandbox is a simulated WhatsApp network for development, CI and
// end-to-end tests (CONTRACT §8). Its Client implements bridge.Client with
// whatsmeow's own semantics — the same errors, the same events in the same
// order — so a bridge.Session cannot tell it from *whatsmeow.Client. The
// Network plays the other side: the phone that scans the QR code (Scan), the
// virtual contacts that write to a session (Inbound) and that receive what it
// sends (Outbox), acknowledging it with delivery and read receipts.
//
// It may import bridge (for the port it implements), internal/werr,
// go.mau.fi/whatsmeow and what whatsmeow itself builds on (protobuf,
// libsignal); nothing in the project imports it except the wiring of
// `wabridge serve --sandbox` and tests.
//
// Any well-formed number is a WhatsApp user, except the magic numbers of
// CONTRACT §8 (magic.go): 999… have no account, 998… are rate limited on
// every send, 997… take Config.SlowAck to acknowledge one.
//
// Scan only completes a login the session started (GET /app/login or
// login-with-code go through the normal command path first); it never
// starts one itself.
package sandbox
