package chatstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/events"
)

// applied is one event as the projector hands it to the store.
type applied struct {
	Session string
	ID      string // CloudEvent id
	Type    string
	Data    []byte // JSON
}

// errBadEvent marks an event whose data cannot be applied: it is skipped
// (and logged), so one malformed event never stops the projection.
var errBadEvent = errors.New("event cannot be applied")

// apply applies e in tx once: an id seen before changes nothing.
func apply(ctx context.Context, tx *sql.Tx, e applied) error {
	fn := appliers(e.Type)
	if fn == nil {
		return nil // not an event the store keeps
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO applied_events (event_id, session) VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`, e.ID, e.Session)
	if err != nil {
		return fmt.Errorf("recording applied event %s: %w", e.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return fn(ctx, tx, e)
}

// appliers maps an event type to what it changes in the store.
func appliers(typ string) func(context.Context, *sql.Tx, applied) error {
	switch typ {
	case events.TypeMessageReceived:
		return applyMessage(messageReceived)
	case events.TypeMessageSent:
		return applyMessage(messageSent)
	case events.TypeMessageHistory:
		return applyMessage(messageHistory)
	case events.TypeChatUpdated:
		return applyChatUpdated
	case events.TypeContactUpdated:
		return applyContactUpdated
	case events.TypeSessionPaired, events.TypeSessionConnected:
		return applyAccount
	}
	return resultApplier(typ)
}

func decode(e applied, v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("%w: %s %s: %v", errBadEvent, e.Type, e.ID, err)
	}
	return nil
}

func isGroupJID(jid string) bool { return strings.HasSuffix(jid, "@g.us") }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
