package natsbus

import (
	"fmt"
	"github.com/wabridge/wabridge/internal/ident"
	"strings"
)

// Stream names under the default prefix (CONTRACT §4); other prefixes get
// their own, see Subjects.CommandsStream and Subjects.EventsStream.
const (
	StreamCommands = "WA_COMMANDS"
	StreamEvents   = "WA_EVENTS"
)

// NoChat is the chat token of events that concern no chat (session.*).
const NoChat = "_"

// DefaultPrefix is the first subject token unless configured otherwise.
const DefaultPrefix = "wa"

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

// Event is the subject of a WhatsApp event wa.<session>.evt.<chat>.<event>,
// where chat is the chat JID ("" for none, see ChatToken) and event the
// CloudEvent type without "io.wabridge.".
func (s Subjects) Event(session, chat, event string) string {
	return s.join(session, "evt", ChatToken(chat)+"."+event)
}

// ChatToken is a chat JID as one subject token (CONTRACT §4): every '.'
// becomes '_' (and so does anything else a token cannot hold: wildcards,
// whitespace), and no chat is NoChat.
func ChatToken(jid string) string {
	if jid == "" {
		return NoChat
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '*', '>', ' ', '\t', '\r', '\n', '\x00':
			return '_'
		}
		return r
	}, jid)
}

// CommandsStream is the stream of durable commands: WA_COMMANDS for the
// prefix wa, <PREFIX>_COMMANDS for others, so deployments with different
// prefixes can share one NATS.
func (s Subjects) CommandsStream() string { return s.streamName("COMMANDS") }

// EventsStream is the stream of events and results (the audit log):
// WA_EVENTS for the prefix wa.
func (s Subjects) EventsStream() string { return s.streamName("EVENTS") }

func (s Subjects) streamName(kind string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, s.prefix())
	return name + "_" + kind
}

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
	if !ident.ValidSession(parts[0]) {
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

// HeaderInternal carries the signature (Sign) with which the REST adapter
// marks the commands it sends over NATS on behalf of its callers: only those
// may use sources under /wabridge/ (CONTRACT §3). The secret behind it is
// never sent; a NATS user who sees the header cannot sign another command.
const HeaderInternal = "Wabridge-Internal"
