package natsbus

import (
	"fmt"
	"regexp"
	"strings"
)

// Stream names (CONTRACT §4).
const (
	StreamCommands = "WA_COMMANDS"
	StreamEvents   = "WA_EVENTS"
)

// DefaultPrefix is the first subject token unless configured otherwise.
const DefaultPrefix = "wa"

var sessionName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidSession reports whether name is a valid session name (CONTRACT §1).
func ValidSession(name string) bool { return sessionName.MatchString(name) }

// Subjects builds and parses the subjects of CONTRACT §4 under one prefix.
type Subjects struct {
	Prefix string
}

// Cmd is the durable command subject wa.<session>.cmd.<name>.
func (s Subjects) Cmd(session, name string) string { return s.join(session, "cmd", name) }

// RPC is the request-reply subject wa.<session>.rpc.<name>.
func (s Subjects) RPC(session, name string) string { return s.join(session, "rpc", name) }

// Result is the audit subject of command results wa.<session>.result.<name>.
func (s Subjects) Result(session, name string) string { return s.join(session, "result", name) }

// Event is the subject of a WhatsApp event wa.<session>.evt.<event>, where
// event is the CloudEvent type without "io.wabridge.".
func (s Subjects) Event(session, event string) string { return s.join(session, "evt", event) }

// Poison is where durable commands that failed every retry are moved. Its
// second token cannot be a session name (those start with [a-z0-9]), so a
// tenant confined to wa.<session>.> never sees other sessions' poison.
func (s Subjects) Poison() string { return s.prefix() + "._poison.cmd" }

// All returns the wildcard of one kind for every session: wa.*.<kind>.>.
func (s Subjects) All(kind string) string { return s.prefix() + ".*." + kind + ".>" }

// Parse splits a subject into session, kind (cmd, rpc, result, evt) and name.
func (s Subjects) Parse(subject string) (session, kind, name string, err error) {
	rest, ok := strings.CutPrefix(subject, s.prefix()+".")
	if !ok {
		return "", "", "", fmt.Errorf("subject %q is not under prefix %q", subject, s.prefix())
	}
	parts := strings.SplitN(rest, ".", 3)
	if len(parts) != 3 || parts[2] == "" {
		return "", "", "", fmt.Errorf("subject %q is not <prefix>.<session>.<kind>.<name>", subject)
	}
	if !ValidSession(parts[0]) {
		return "", "", "", fmt.Errorf("subject %q has an invalid session name", subject)
	}
	return parts[0], parts[1], parts[2], nil
}

func (s Subjects) prefix() string {
	if s.Prefix == "" {
		return DefaultPrefix
	}
	return s.Prefix
}

func (s Subjects) join(session, kind, name string) string {
	return s.prefix() + "." + session + "." + kind + "." + name
}
