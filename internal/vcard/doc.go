// Package vcard builds and reads the vCard 3.0 text of a WhatsApp contact
// card: one name, one WhatsApp number (with the waid parameter that makes
// WhatsApp offer "Message"), an optional e-mail and organisation. Values
// are escaped as RFC 6350 §3.4 says and long lines folded (§3.2), so any
// vCard reader takes them back unchanged.
//
// It imports only the standard library.
package vcard
