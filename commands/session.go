package commands

import (
	cloudevent "github.com/cloudevents/sdk-go/v2/event"
)

// Session is one bridge session as the dispatcher hands it to handlers.
// What it can do is asked per command, through the small port each command
// file declares (see Ports), so this never grows into an interface of every
// method the catalog needs.
type Session = any

// Sessions finds the session a command is addressed to. Get returns a
// werr error with code SESSION_NOT_FOUND for a name it does not run.
type Sessions interface {
	Get(name string) (Session, error)
}

// Env is what a handler gets besides its payload and port.
type Env struct {
	Session     Session
	SessionName string
	// Key is the command's idempotency key (see IdempotencyKey). Handlers
	// that cause effects in WhatsApp derive ids from it so that a retried
	// command repeats the same effect instead of adding a second one.
	Key     string
	Command cloudevent.Event
}
