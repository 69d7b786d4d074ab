package msgid

import (
	"errors"
	"fmt"
	"strings"
)

// MaxLen bounds what Parse accepts; real ids are far shorter, and the bound
// keeps untrusted input from growing keys and logs.
const MaxLen = 512

// ErrInvalid is wrapped by every error Parse returns.
var ErrInvalid = errors.New("invalid message id")

// Format returns the user form of a message id.
func Format(fromMe bool, chat, id string) string {
	if fromMe {
		return "true_" + chat + "_" + id
	}
	return "false_" + chat + "_" + id
}

// Parse splits a user-form message id. A bare WhatsApp id (no from_me
// prefix) is returned with an empty chat, for the caller to take the chat
// from elsewhere (the recipient of a command).
//
// The from_me flag is before the first '_' and the WhatsApp id after the
// last one: WhatsApp ids never contain '_', while the chat in between is
// kept whole, whatever it holds.
func Parse(s string) (fromMe bool, chat, id string, err error) {
	if s == "" {
		return false, "", "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	if len(s) > MaxLen {
		return false, "", "", fmt.Errorf("%w: longer than %d bytes", ErrInvalid, MaxLen)
	}
	flag, rest, found := strings.Cut(s, "_")
	if !found || (flag != "true" && flag != "false") {
		if err := checkID(s); err != nil {
			return false, "", "", err
		}
		return false, "", s, nil
	}
	cut := strings.LastIndexByte(rest, '_')
	if cut < 0 {
		return false, "", "", fmt.Errorf("%w: want <from_me>_<chat_jid>_<wa_id>", ErrInvalid)
	}
	chat, id = rest[:cut], rest[cut+1:]
	if err := checkChat(chat); err != nil {
		return false, "", "", err
	}
	if err := checkID(id); err != nil {
		return false, "", "", err
	}
	return flag == "true", chat, id, nil
}

func checkChat(chat string) error {
	user, server, found := strings.Cut(chat, "@")
	if !found || user == "" || server == "" || strings.Contains(server, "@") {
		return fmt.Errorf("%w: chat %q is not a JID", ErrInvalid, chat)
	}
	for _, r := range chat {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("%w: chat contains a control or space character", ErrInvalid)
		}
	}
	return nil
}

// checkID accepts what WhatsApp uses as message ids: letters, digits and a
// few punctuation characters, never '_', '@' or whitespace.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty WhatsApp id", ErrInvalid)
	}
	for _, r := range id {
		ok := r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '.' || r == ':'
		if !ok {
			return fmt.Errorf("%w: WhatsApp id %q has character %q", ErrInvalid, id, r)
		}
	}
	return nil
}
