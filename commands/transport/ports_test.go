package transport_test

import (
	"github.com/wabridge/wabridge/commands/transport"
	"github.com/wabridge/wabridge/events/outbox"
)

// The outbox is the result sink the bridge wires in; checked here so the
// package itself need not import events.
var _ transport.ResultSink = (*outbox.Outbox)(nil)
