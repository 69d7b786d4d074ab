package invite

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Host is the only host invite links live on.
const Host = "chat.whatsapp.com"

// Prefix is the canonical form of a link without its code (whatsmeow's
// InviteLinkPrefix).
const Prefix = "https://" + Host + "/"

// MaxCodeLen bounds a code: WhatsApp's are 22 characters; the bound keeps
// untrusted input from growing logs and requests.
const MaxCodeLen = 64

// ErrInvalid is wrapped by every error Parse returns.
var ErrInvalid = errors.New("invalid invite link")

// Parse returns the invite code of s, a link on Host or a bare code.
func Parse(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalid)
	}
	if !strings.ContainsAny(s, "/:.") {
		return checkCode(s)
	}
	return fromLink(s)
}

// Link is the canonical link of a code.
func Link(code string) string { return Prefix + code }

func fromLink(s string) (string, error) {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: not a link", ErrInvalid)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%w: scheme %q, want https", ErrInvalid, clip(u.Scheme))
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if host != Host || u.User != nil || u.Port() != "" {
		return "", fmt.Errorf("%w: host %q is not %s", ErrInvalid, clip(u.Host), Host)
	}
	code := strings.Trim(u.EscapedPath(), "/")
	if strings.HasPrefix(code, "invite/") {
		// The older form https://chat.whatsapp.com/invite/<code>.
		code = strings.TrimPrefix(code, "invite/")
	}
	return checkCode(code)
}

// checkCode: codes are letters and digits (base62).
func checkCode(code string) (string, error) {
	if code == "" {
		return "", fmt.Errorf("%w: no code", ErrInvalid)
	}
	if len(code) > MaxCodeLen {
		return "", fmt.Errorf("%w: code longer than %d characters", ErrInvalid, MaxCodeLen)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", fmt.Errorf("%w: a code is letters and digits only", ErrInvalid)
		}
	}
	return code, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
