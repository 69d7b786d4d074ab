package bridge

import (
	"strings"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// recipientHelp is the message of every INVALID_RECIPIENT error: it says
// what would have been accepted.
const recipientHelp = "phone must be international digits without '+' (e.g. 4917612345678) " +
	"or a JID on s.whatsapp.net, g.us, lid or newsletter"

// ParseRecipient parses a recipient as users give it (CONTRACT §2): a phone
// number in international form without '+', or a full JID of a user, group,
// LID or newsletter. Device and agent parts are rejected:
// a message goes to an account, never to one of its devices.
func ParseRecipient(s string) (types.JID, error) {
	s = strings.TrimSpace(s)
	user, server, isJID := strings.Cut(s, "@")
	if !isJID {
		if !isPhone(s) {
			return types.JID{}, invalidRecipient(s, "not a phone number")
		}
		return types.NewJID(s, types.DefaultUserServer), nil
	}
	if user == "" {
		return types.JID{}, invalidRecipient(s, "the JID has no user part")
	}
	if strings.ContainsAny(user, ".:") {
		return types.JID{}, invalidRecipient(s, "the JID names a device; give the account's JID")
	}
	if !validUser(user, server) {
		return types.JID{}, invalidRecipient(s, "the user part does not fit the server")
	}
	return types.NewJID(user, server), nil
}

// isPhone: E.164 allows at most 15 digits; national numbers below 7 digits
// do not exist, and country codes never start with 0.
func isPhone(s string) bool {
	return len(s) >= 7 && len(s) <= 15 && s[0] != '0' && allDigits(s)
}

func validUser(user, server string) bool {
	switch server {
	case types.DefaultUserServer:
		return isPhone(user)
	case types.HiddenUserServer, types.NewsletterServer:
		return len(user) <= 24 && allDigits(user)
	case types.GroupServer:
		// New groups are digits only; old ones are "<creator>-<timestamp>".
		creator, stamp, old := strings.Cut(user, "-")
		if old {
			return len(user) <= 40 && allDigits(creator) && allDigits(stamp)
		}
		return len(user) <= 32 && allDigits(user)
		// Broadcast lists and status@broadcast (a Status post to every contact)
		// are not recipients of the contract (CONTRACT §2): a typo must not post.
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func invalidRecipient(given, why string) *werr.Error {
	if len(given) > 64 {
		given = given[:64] + "..."
	}
	return werr.Invalid(werr.CodeInvalidRecipient, "%s (%s)", recipientHelp, why).
		WithDetails(map[string]any{"phone": given})
}
