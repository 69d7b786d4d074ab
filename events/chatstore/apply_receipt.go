package chatstore

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/events"
)

// The receipt column's levels, in the order a message goes through them:
// a later receipt never takes a message back (a delivered receipt that
// arrives after the read one changes nothing).
var receiptLevels = []string{"", events.ReceiptDelivered, events.ReceiptRead, events.ReceiptPlayed}

func receiptLevel(name string) int {
	for i, n := range receiptLevels {
		if n == name {
			return i
		}
	}
	return 0
}

func receiptName(level int) string {
	if level < 0 || level >= len(receiptLevels) {
		return ""
	}
	return receiptLevels[level]
}

// applyReceipt records how far a message this account sent got. A
// receipt of a message the store does not hold (sent before the store
// began) changes nothing.
func applyReceipt(ctx context.Context, t *txn, e applied) error {
	var r events.MessageReceipt
	if err := decode(e, &r); err != nil {
		return err
	}
	level := receiptLevel(r.Receipt)
	if level == 0 {
		return fmt.Errorf("%w: %s %s: receipt %q", errBadEvent, e.Type, e.ID, r.Receipt)
	}
	m, err := targetOf(e, r.ID)
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE messages SET receipt = $4
		WHERE session = $1 AND chat = $2 AND wa_id = $3 AND from_me = 1 AND receipt < $4`,
		e.Session, m.chat, m.waID, level); err != nil {
		return fmt.Errorf("recording the receipt of %s: %w", m.id, err)
	}
	return nil
}
