package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/msgid"
)

// receiptKind names the receipts users ask about; the rest (retries,
// the account's own devices, server errors, history sync) are WhatsApp's
// housekeeping and become no event.
func receiptKind(t types.ReceiptType) (string, bool) {
	switch t {
	case types.ReceiptTypeDelivered:
		return events.ReceiptDelivered, true
	case types.ReceiptTypeRead:
		return events.ReceiptRead, true
	case types.ReceiptTypePlayed:
		return events.ReceiptPlayed, true
	}
	return "", false
}

// translateReceipt turns one receipt into a message.receipt per message
// id it names. Each is keyed by message, reader and kind: the same receipt
// redelivered has the same ids, and a read after a delivery is its own.
func translateReceipt(session string, evt *waEvents.Receipt) []events.Event {
	kind, ok := receiptKind(evt.Type)
	if !ok || evt.IsFromMe {
		return nil // from another device of this account: not a reader
	}
	chat := evt.Chat.ToNonAD()
	reader := jidForms(evt.Sender, evt.SenderAlt)
	if reader.JID == "" {
		return nil
	}
	es := make([]events.Event, 0, len(evt.MessageIDs))
	for _, id := range evt.MessageIDs {
		d := events.MessageReceipt{
			ID: msgid.Format(true, chat.String(), id), WAID: id,
			Chat: chatForms(evt.MessageSource), Reader: reader, IsGroup: evt.IsGroup,
			Receipt: kind, Timestamp: evt.Timestamp.UTC(),
		}
		es = append(es, events.Event{
			Type: events.TypeMessageReceipt, Session: session, Subject: chat.String(), Time: d.Timestamp,
			Key:  chat.String() + "|" + id + "|" + reader.JID + "|" + kind,
			Data: d,
		})
	}
	return es
}

// handleReceipt keeps a receipt's events in one transaction: all of its
// message ids or none, so a redelivery brings no half.
func (s *Session) handleReceipt(ctx context.Context, l *link, evt *waEvents.Receipt) bool {
	es := translateReceipt(s.name, evt)
	if len(es) == 0 {
		return true
	}
	err := s.retrying(ctx, func() error { return s.d.cfg.Sink.EmitAll(ctx, es) })
	if err != nil {
		s.log.Error("emitting receipts failed", "chat", es[0].Subject, "error", err)
		if permanent(err) {
			return true // redelivery would fail the same way
		}
		if ctx.Err() == nil {
			s.reconnectLater(l)
		}
		return false
	}
	return true
}
