package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/types"
)

var errNotAUser = errors.New("must be a phone number (international digits without '+') or a user JID")

// parsePhone accepts international digits without '+': 7 to 15 of them
// (E.164 allows at most 15), not starting with 0.
func parsePhone(s string) (string, error) {
	if len(s) < 7 || len(s) > 15 {
		return "", fmt.Errorf("phone %q: %d digits, want 7 to 15", s, len(s))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("phone %q: only digits are allowed", s)
		}
	}
	if s[0] == '0' {
		return "", fmt.Errorf("phone %q: must be international (not start with 0)", s)
	}
	return s, nil
}

// parseUser reads a WhatsApp user: a phone number, or a JID on the phone
// number or LID server. The result has no device part.
func parseUser(s string) (types.JID, error) {
	if !strings.Contains(s, "@") {
		phone, err := parsePhone(s)
		if err != nil {
			return types.EmptyJID, err
		}
		return types.NewJID(phone, types.DefaultUserServer), nil
	}
	jid, err := types.ParseJID(s)
	if err != nil {
		return types.EmptyJID, fmt.Errorf("%q: %w", s, err)
	}
	switch jid.Server {
	case types.DefaultUserServer:
		if _, err := parsePhone(jid.User); err != nil {
			return types.EmptyJID, err
		}
	case types.HiddenUserServer:
		if !isDigits(jid.User) {
			return types.EmptyJID, fmt.Errorf("%q: a LID is digits", s)
		}
	default:
		return types.EmptyJID, fmt.Errorf("%q: %w", s, errNotAUser)
	}
	return jid.ToNonAD(), nil
}

// parseChat reads the chat an inbound message is written in: a group JID,
// or a user (then the 1:1 chat with that user).
func parseChat(s string) (types.JID, error) {
	if strings.HasSuffix(s, "@"+types.GroupServer) {
		jid, err := types.ParseJID(s)
		if err != nil {
			return types.EmptyJID, fmt.Errorf("chat %q: %w", s, err)
		}
		// ParseJID reads "1@2@g.us" as user 1 on server 2: only a JID that
		// is exactly a group JID is one.
		if jid.Server != types.GroupServer || jid.String() != s || !isGroupID(jid.User) {
			return types.EmptyJID, fmt.Errorf("chat %q: not a group id", s)
		}
		return jid, nil
	}
	return parseUser(s)
}

// isGroupID accepts today's group ids (digits) and the older
// "<creator>-<timestamp>" form.
func isGroupID(user string) bool {
	creator, created, found := strings.Cut(user, "-")
	if !found {
		return isDigits(user)
	}
	return isDigits(creator) && isDigits(created)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// quoted is the message a reply refers to.
type quoted struct {
	ID     string
	FromMe bool
	Chat   types.JID // empty when the reference was a bare id
}

// parseQuoted reads a quoted message reference: the user form
// "<from_me>_<chat_jid>_<wa_id>" (CONTRACT §2) or a bare WhatsApp id.
func parseQuoted(s string) (quoted, error) {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return quoted{}, fmt.Errorf("reply_to %q: not a message id", s)
	}
	fromMe, rest, found := strings.Cut(s, "_")
	if !found || (fromMe != "true" && fromMe != "false") {
		if strings.Contains(s, "@") {
			return quoted{}, fmt.Errorf("reply_to %q: want <from_me>_<chat_jid>_<id> or a bare id", s)
		}
		return quoted{ID: s}, nil
	}
	cut := strings.LastIndexByte(rest, '_')
	if cut <= 0 || cut == len(rest)-1 {
		return quoted{}, fmt.Errorf("reply_to %q: want <from_me>_<chat_jid>_<id>", s)
	}
	chat, err := parseChat(rest[:cut])
	if err != nil {
		return quoted{}, fmt.Errorf("reply_to %q: %w", s, err)
	}
	return quoted{ID: rest[cut+1:], FromMe: fromMe == "true", Chat: chat}, nil
}

// fakeLID derives a stable 15-digit LID for a phone number, so the same
// virtual contact has the same LID in every run.
func fakeLID(phone string) string {
	sum := sha256.Sum256([]byte("sandbox-lid:" + phone))
	n := binary.BigEndian.Uint64(sum[:8])%900_000_000_000_000 + 100_000_000_000_000
	return fmt.Sprintf("%d", n)
}

// virtualNumber is the phone number a session gets when Scan is given none:
// a US 555 number derived from the session name.
func virtualNumber(session string) string {
	sum := sha256.Sum256([]byte("sandbox-phone:" + session))
	return fmt.Sprintf("1555%07d", binary.BigEndian.Uint32(sum[:4])%10_000_000)
}

// sessionDevice is the preferred companion device number of a session.
func sessionDevice(session string) uint16 {
	sum := sha256.Sum256([]byte("sandbox-device:" + session))
	return binary.BigEndian.Uint16(sum[:2])%99 + 1
}
