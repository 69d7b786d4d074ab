package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// MarkRead sends read receipts to the sender of ids, with whatsmeow's
// checks. The virtual sender's phone takes them silently: on WhatsApp a
// read receipt goes to the sender, and this account's own devices hear of
// it from the phone, not from the server, so nothing is dispatched back.
func (c *Client) MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error {
	if len(ids) == 0 {
		return errors.New("no message IDs specified")
	}
	if len(receiptTypeExtra) > 1 {
		// whatsmeow panics here; a stand-in should not take a process down.
		return errors.New("too many receipt types specified")
	}
	c.mu.Lock()
	ownID, connected := c.dev.GetJID(), c.connected
	c.mu.Unlock()
	if ownID.IsEmpty() {
		return whatsmeow.ErrNotLoggedIn
	}
	if !connected {
		return fmt.Errorf("failed to send receipt: %w", whatsmeow.ErrNotConnected)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.log.Debugf("Marked %d message(s) in %s from %s read at %s", len(ids), chat, sender, timestamp.UTC().Format(time.RFC3339))
	return nil
}
