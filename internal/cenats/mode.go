package cenats

import (
	"errors"
	"fmt"
	"strings"
)

// ContentTypeStructured is the Content-Type of a structured-mode message.
const ContentTypeStructured = "application/cloudevents+json"

// contentTypeBatch is recognised only to reject it with a precise error.
const contentTypeBatch = "application/cloudevents-batch+json"

// Mode is a content mode of the protocol binding.
type Mode int

// Content modes. Binary is the zero value because it is the outbound default
// (CONTRACT §3).
const (
	Binary Mode = iota
	Structured
)

// ErrInvalid is wrapped by every error Decode returns, so callers can tell a bad
// message (reject, do not retry) from their own failures with errors.Is.
var ErrInvalid = errors.New("invalid cloudevent message")

// Limits on untrusted input. They are generous for real events and small enough
// that a hostile message cannot make us allocate or loop much.
const (
	// MaxHeaderValue is the longest ce-* header value, percent-encoded.
	MaxHeaderValue = 4 << 10
	// MaxAttributes is the most ce-* headers (attributes, extensions included)
	// an event may have.
	MaxAttributes = 64
)

// ParseMode parses a mode name as configuration spells it: "binary" or
// "structured" (case-insensitive).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "binary":
		return Binary, nil
	case "structured":
		return Structured, nil
	}
	return 0, fmt.Errorf("unsupported content mode %q: want binary or structured", s)
}

// String returns the name ParseMode accepts.
func (m Mode) String() string {
	switch m {
	case Binary:
		return "binary"
	case Structured:
		return "structured"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// invalid builds a decode error wrapping ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
