package chatstore

import (
	"context"
	"fmt"
	"time"
)

// actionResult is the data of a message.reaction, .update, .revoke or
// .delete result: the target, and what the reaction or edit put there.
type actionResult struct {
	MessageID string    `json:"message_id"`
	Chat      string    `json:"chat"`
	Emoji     string    `json:"emoji"`
	Message   string    `json:"message"`
	Timestamp time.Time `json:"timestamp"`
}

// actionResultOf decodes a successful result; ok is false for a failed
// command, which changed nothing.
func actionResultOf(e applied) (r actionResult, m target, ok bool, err error) {
	if ok, err = succeeded(e, &r); err != nil || !ok {
		return r, target{}, false, err
	}
	m, err = targetOf(e, r.MessageID)
	return r, m, err == nil, err
}

// applyReactionResult keeps the account's own reaction (or removes it).
func applyReactionResult(ctx context.Context, t *txn, e applied) error {
	r, m, ok, err := actionResultOf(e)
	if err != nil || !ok {
		return err
	}
	me, err := ownSender(ctx, t.tx, e.Session)
	if err != nil {
		return err
	}
	return t.react(ctx, e.Session, m, jidOf(me), r.Emoji, r.Timestamp)
}

func applyUpdateResult(ctx context.Context, t *txn, e applied) error {
	r, m, ok, err := actionResultOf(e)
	if err != nil || !ok {
		return err
	}
	return t.edit(ctx, e.Session, m, r.Message)
}

func applyRevokeResult(ctx context.Context, t *txn, e applied) error {
	_, m, ok, err := actionResultOf(e)
	if err != nil || !ok {
		return err
	}
	return t.revoke(ctx, e.Session, m)
}

// applyDeleteResult removes a message deleted for this account only, with
// its reactions (and a poll's votes); the chat keeps its preview until its
// next message.
func applyDeleteResult(ctx context.Context, t *txn, e applied) error {
	_, m, ok, err := actionResultOf(e)
	if err != nil || !ok {
		return err
	}
	for _, table := range []string{"messages", "reactions", "polls", "poll_votes"} {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE session = $1 AND chat = $2 AND wa_id = $3`,
			e.Session, m.chat, m.waID); err != nil {
			return fmt.Errorf("deleting message %s from %s: %w", m.id, table, err)
		}
	}
	return nil
}
