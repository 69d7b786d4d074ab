package commands

import (
	"context"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/bridge"
)

// Session is what handlers need of a bridge session. It is declared here, by
// its consumer; main adapts *bridge.Session to it.
type Session interface {
	Login(ctx context.Context) (bridge.LoginQR, error)
	LoginWithCode(ctx context.Context, phone string) (string, error)
	Logout(ctx context.Context) error
	Reconnect(ctx context.Context) error
	Devices(ctx context.Context) ([]bridge.Device, error)
	SendText(ctx context.Context, req bridge.SendTextRequest) (bridge.SendResult, error)
}

// Sessions finds the session a command is addressed to. Get returns a
// werr error with code SESSION_NOT_FOUND for a name it does not run.
type Sessions interface {
	Get(name string) (Session, error)
}

// Env is what a handler gets besides its payload.
type Env struct {
	Session     Session
	SessionName string
	// Key is the command's idempotency key, source + "\x00" + id. Handlers
	// that cause effects in WhatsApp derive ids from it so that a retried
	// command repeats the same effect instead of adding a second one.
	Key     string
	Command cloudevent.Event
}
