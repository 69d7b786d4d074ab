// Package invite parses WhatsApp group invite links as users give them:
// the whole link (https://chat.whatsapp.com/<code>, with or without the
// scheme, "www.", a trailing slash or a query) or the bare code. Any other
// host is refused, so a link to a look-alike site never reaches WhatsApp.
//
// It imports only the standard library, so every package may use it.
package invite
