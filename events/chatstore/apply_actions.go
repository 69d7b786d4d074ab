package chatstore

import (
	"context"
	"fmt"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// Reactions, edits and revokes change a message the store may already
// hold; they arrive as events (from WhatsApp) and as the results of the
// commands sent here (WhatsApp echoes neither back). A reaction to a
// message the store has not seen yet is kept all the same: it shows once
// the message arrives.

// The results of the message commands the store applies.
const (
	resultReaction = commandTypePrefix + "message.reaction" + resultTypeSuffix
	resultUpdate   = commandTypePrefix + "message.update" + resultTypeSuffix
	resultRevoke   = commandTypePrefix + "message.revoke" + resultTypeSuffix
	resultDelete   = commandTypePrefix + "message.delete" + resultTypeSuffix
)

// actionApplier is the applier of a reaction, edit or revoke event, or of
// the result of a message command; nil for any other type.
func actionApplier(typ string) applier {
	switch typ {
	case events.TypeMessageReaction:
		return applyReactionEvent
	case events.TypeMessageEdited:
		return applyEditedEvent
	case events.TypeMessageRevoked:
		return applyRevokedEvent
	case resultReaction:
		return applyReactionResult
	case resultUpdate:
		return applyUpdateResult
	case resultRevoke:
		return applyRevokeResult
	case resultDelete:
		return applyDeleteResult
	}
	return nil
}

// target is the message an action names: its chat and WhatsApp id, and
// the user form the chat's last_message_id holds.
type target struct{ chat, waID, id string }

func targetOf(e applied, ref string) (target, error) {
	fromMe, chat, id, err := msgid.Parse(ref)
	if err != nil {
		return target{}, fmt.Errorf("%w: %s %s: message id %q: %v", errBadEvent, e.Type, e.ID, ref, err)
	}
	return target{chat: chat, waID: id, id: msgid.Format(fromMe, chat, id)}, nil
}

func applyReactionEvent(ctx context.Context, t *txn, e applied) error {
	var r events.MessageReaction
	if err := decode(e, &r); err != nil {
		return err
	}
	m, err := targetOf(e, r.MessageID)
	if err != nil {
		return err
	}
	return t.react(ctx, e.Session, m, jidOf(r.Reactor), r.Emoji, r.Timestamp)
}

func applyEditedEvent(ctx context.Context, t *txn, e applied) error {
	var r events.MessageEdited
	if err := decode(e, &r); err != nil {
		return err
	}
	m, err := targetOf(e, r.MessageID)
	if err != nil {
		return err
	}
	return t.edit(ctx, e.Session, m, r.Text)
}

func applyRevokedEvent(ctx context.Context, t *txn, e applied) error {
	var r events.MessageRevoked
	if err := decode(e, &r); err != nil {
		return err
	}
	m, err := targetOf(e, r.MessageID)
	if err != nil {
		return err
	}
	return t.revoke(ctx, e.Session, m)
}

// react keeps who's emoji on m, or removes who's reaction when emoji is
// empty. An older reaction than the one kept changes nothing: each
// reaction replaces the reactor's previous one as WhatsApp orders them.
func (t *txn) react(ctx context.Context, session string, m target, who, emoji string, at time.Time) error {
	if emoji == "" {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM reactions
			WHERE session = $1 AND chat = $2 AND wa_id = $3 AND reactor = $4 AND timestamp <= $5`,
			session, m.chat, m.waID, who, at.UnixNano()); err != nil {
			return fmt.Errorf("removing %s's reaction to %s: %w", who, m.id, err)
		}
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO reactions (session, chat, wa_id, reactor, emoji, timestamp)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (session, chat, wa_id, reactor) DO UPDATE SET
			emoji = CASE WHEN excluded.timestamp >= reactions.timestamp THEN excluded.emoji ELSE reactions.emoji END,
			timestamp = CASE WHEN excluded.timestamp >= reactions.timestamp THEN excluded.timestamp ELSE reactions.timestamp END`,
		session, m.chat, m.waID, who, emoji, at.UnixNano()); err != nil {
		return fmt.Errorf("keeping %s's reaction to %s: %w", who, m.id, err)
	}
	return nil
}

// edit replaces m's text (a revoked message stays revoked), and the chat's
// preview when m is its last message.
func (t *txn) edit(ctx context.Context, session string, m target, text string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE messages SET text = $4, edited = 1
		WHERE session = $1 AND chat = $2 AND wa_id = $3 AND revoked = 0`, session, m.chat, m.waID, text)
	if err != nil {
		return fmt.Errorf("editing message %s: %w", m.id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return t.lastMessageIs(ctx, session, m, text)
}

// revoke marks m deleted for everyone: its content is gone, and its
// reactions with it (WhatsApp shows none on a deleted message).
func (t *txn) revoke(ctx context.Context, session string, m target) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE messages SET text = '', media = NULL, revoked = 1
		WHERE session = $1 AND chat = $2 AND wa_id = $3`, session, m.chat, m.waID); err != nil {
		return fmt.Errorf("revoking message %s: %w", m.id, err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM reactions WHERE session = $1 AND chat = $2 AND wa_id = $3`,
		session, m.chat, m.waID); err != nil {
		return fmt.Errorf("dropping the reactions of revoked message %s: %w", m.id, err)
	}
	return t.lastMessageIs(ctx, session, m, "")
}

// lastMessageIs sets the chat's preview to text when m is its last message.
func (t *txn) lastMessageIs(ctx context.Context, session string, m target, text string) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE chats SET last_message = $4
		WHERE session = $1 AND jid = $2 AND last_message_id = $3`, session, m.chat, m.id, text); err != nil {
		return fmt.Errorf("updating the last message of %s: %w", m.chat, err)
	}
	return nil
}

// jidOf is the form of who the store names senders by (as senderOf).
func jidOf(who events.JID) string {
	if who.PN != "" {
		return who.PN
	}
	return who.JID
}
