// Package msgid is the codec of the message id users see (CONTRACT §2):
// "<from_me>_<chat_jid>_<wa_id>", e.g. "false_120363xxx@g.us_3EB0C767".
// Commands also accept the bare WhatsApp id, so Parse takes both.
//
// It imports only the standard library (no whatsmeow), so every package may
// use it.
package msgid
