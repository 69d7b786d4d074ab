package transport

import (
	"context"
	"github.com/wabridge/wabridge/internal/store"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/commands"
)

// Executor runs commands. *commands.Dispatcher satisfies it.
type Executor interface {
	// Execute runs one command and never panics: failures are results.
	Execute(ctx context.Context, session, name string, cmd event.Event) commands.Result
	// Reject builds the error result of input that never became a command.
	Reject(session, name string, err error) event.Event
}

// ResultSink keeps result CloudEvents durably for publishing on subject (the
// audit trail). *outbox.Outbox satisfies it.
type ResultSink interface {
	Put(ctx context.Context, subject string, ce event.Event, also ...store.Write) error
}

// The dispatcher is what the bridge wires in; keep it fitting.
var _ Executor = (*commands.Dispatcher)(nil)
