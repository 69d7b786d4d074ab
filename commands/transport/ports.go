package transport

import (
	"context"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/store"
)

// Executor runs commands. *commands.Dispatcher satisfies it.
type Executor interface {
	// Dispatch runs one delivered command and never panics: failures are
	// results. It writes final results to the audit trail itself, so a
	// transport only acks, redelivers or replies.
	Dispatch(ctx context.Context, c commands.Call) commands.Result
	// Reject builds the error result of input that never became a command.
	Reject(session, name string, err error) event.Event
}

// ResultSink keeps result CloudEvents durably for publishing on subject (the
// audit trail). The transports use it only for input that never reached the
// dispatcher because it is no CloudEvent at all: nobody else could say why
// it was refused. *outbox.Outbox satisfies it.
type ResultSink interface {
	Put(ctx context.Context, subject string, ce event.Event, also ...store.Write) error
}

// The dispatcher is what the bridge wires in; keep it fitting.
var _ Executor = (*commands.Dispatcher)(nil)
