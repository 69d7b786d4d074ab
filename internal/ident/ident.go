// Package ident is the one home of the names every layer shares: session
// names (CONTRACT §1), the CloudEvent type prefixes (CONTRACT §3), and how
// user input is clipped when an error message echoes it. It imports nothing
// of the project.
package ident

import (
	"regexp"
	"strings"
)

// TypePrefix starts every CloudEvent type wabridge reads or writes.
const TypePrefix = "io.wabridge."

// CommandTypePrefix starts the type of every command: TypePrefix + "command.".
const CommandTypePrefix = TypePrefix + "command."

// Clip keeps user input echoed in a message short: at most n bytes of s,
// cut at a character boundary, with "…" when something was cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// DefaultSession is the session used when none is named (CONTRACT §1).
const DefaultSession = "default"

// SessionPattern is what a session name matches (CONTRACT §1).
const SessionPattern = `^[a-z0-9][a-z0-9_-]{0,31}$`

var sessionName = regexp.MustCompile(SessionPattern)

// ValidSession reports whether name is a valid session name.
func ValidSession(name string) bool { return sessionName.MatchString(name) }

// CloudEvents extensions wabridge reads or writes (CONTRACT §3), named here
// once for every layer.
const (
	// ExtSession carries the session name of an event or result.
	ExtSession = "wasession"
	// ExtCausationID is the id of the command a result answers.
	ExtCausationID = "causationid"
	// ExtCorrelationID is copied from a command to its result.
	ExtCorrelationID = "correlationid"
	// ExtExpiryTime (RFC 3339) is until when a command is worth running;
	// the REST adapter sets it to when it stops waiting.
	ExtExpiryTime = "expirytime"
)
