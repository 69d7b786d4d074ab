package chatstore

import (
	"context"
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

	// msg and msgErr are Data decoded ahead (see readOne), for message
	// events; nil msg: not decoded yet.
	msg    *messageData
	msgErr error
}

// errBadEvent marks an event whose data cannot be applied: it is skipped
// (and logged), so one malformed event never stops the projection.
var errBadEvent = errors.New("event cannot be applied")

// apply applies e in t once: an id seen before changes nothing.
func apply(ctx context.Context, t *txn, e applied) error {
	fn, keeps := appliers(e.Type)
	if fn == nil {
		return nil // not an event the store keeps
	}
	res, err := t.bind(ctx, t.st.markApplied).ExecContext(ctx, e.ID, e.Session)
	if err != nil {
		return fmt.Errorf("recording applied event %s: %w", e.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	// What t keeps of earlier messages is written before an event that
	// reads or writes chats or contacts itself: it sees them as applied.
	if !keeps {
		if err := t.flush(ctx); err != nil {
			return err
		}
	}
	return fn(ctx, t, e)
}

// applier is what an event changes in the store.
type applier func(context.Context, *txn, applied) error

// appliers maps an event type to its applier; keeps is true for the
// message events, whose chat and contact changes txn keeps until its flush
// (they touch chats and contacts only through txn).
func appliers(typ string) (fn applier, keeps bool) {
	switch typ {
	case events.TypeMessageReceived:
		return applyMessage(messageReceived), true
	case events.TypeMessageSent:
		return applyMessage(messageSent), true
	case events.TypeMessageHistory:
		return applyMessage(messageHistory), true
	}
	return otherApplier(typ), false
}

// otherApplier is the applier of the events other than messages.
func otherApplier(typ string) applier {
	switch typ {
	case events.TypeChatUpdated:
		return applyChatUpdated
	case events.TypeContactUpdated:
		return applyContactUpdated
	case events.TypeGroupJoined:
		return applyGroupJoined // apply_group.go
	case events.TypeGroupUpdated:
		return applyGroupUpdated
	case events.TypeGroupParticipantsChanged:
		return applyParticipantsChanged
	case events.TypeMessageReceipt:
		return applyReceipt // apply_receipt.go
	case events.TypePollVote:
		return applyPollVote // apply_poll.go
	case events.TypeSessionPaired, events.TypeSessionConnected:
		return applyAccount
	case events.TypeMessageReaction, events.TypeMessageEdited, events.TypeMessageRevoked, resultReaction, resultUpdate, resultRevoke, resultDelete:
		return actionApplier(typ) // apply_actions.go
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
