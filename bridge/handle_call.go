package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// callRejecter is the part of a session's client that declines calls.
type callRejecter interface {
	RejectCall(ctx context.Context, callFrom types.JID, callID string) error
}

var _ callRejecter = (*whatsmeow.Client)(nil)

// callRejectTimeout bounds rejecting a call and sending its message: a
// call rings for about a minute, a later reject is pointless.
const callRejectTimeout = 30 * time.Second

// callOfferEvent is the call.offer of an offer, keyed by WhatsApp's call
// id. A video call's offer carries a <video> element.
func callOfferEvent(session string, evt *waEvents.CallOffer, rejected bool) (events.Event, bool) {
	caller := evt.CallCreator
	if caller.IsEmpty() {
		caller = evt.From
	}
	if caller.IsEmpty() || evt.CallID == "" {
		return events.Event{}, false
	}
	d := events.CallOffer{
		CallID: evt.CallID, Caller: jidForms(caller, evt.CallCreatorAlt), Media: "voice",
		Platform: evt.RemotePlatform, Rejected: rejected, Timestamp: evt.Timestamp.UTC(),
	}
	if evt.Data != nil {
		if _, video := evt.Data.GetOptionalChildByTag("video"); video {
			d.Media = "video"
		}
	}
	subject := caller.ToNonAD()
	if !evt.GroupJID.IsEmpty() {
		g := jidForms(evt.GroupJID)
		d.Group, subject = &g, evt.GroupJID.ToNonAD()
	}
	if d.Timestamp.IsZero() {
		d.Timestamp = time.Now().UTC()
	}
	return events.Event{
		Type: events.TypeCallOffer, Session: session, Subject: subject.String(), Time: d.Timestamp,
		Key: evt.CallID, Data: d,
	}, true
}

// handleCallOffer keeps the call.offer and then, when the bridge rejects
// calls, rejects it in the background (whatsmeow's event goroutine must not
// wait for the network). Rejecting only after the event is kept means a
// redelivered offer was never rejected before.
func (s *Session) handleCallOffer(ctx context.Context, l *link, evt *waEvents.CallOffer) bool {
	reject := s.d.cfg.RejectCalls
	e, ok := callOfferEvent(s.name, evt, reject)
	if !ok {
		return true
	}
	if !s.keepOne(ctx, l, e) {
		return false
	}
	if reject {
		caller := evt.CallCreator
		if caller.IsEmpty() {
			caller = evt.From
		}
		s.d.tasks.run(s.d.ctx, func(ctx context.Context) { s.rejectCall(ctx, l, caller, evt.CallID) })
	}
	return true
}

// rejectCall declines the call and sends the configured message to the
// caller, under an id derived from the call: the same call rejected twice
// sends the same message.
func (s *Session) rejectCall(ctx context.Context, l *link, caller types.JID, callID string) {
	ctx, cancel := context.WithTimeout(ctx, callRejectTimeout)
	defer cancel()
	log := s.log.With("chat", caller.ToNonAD().String(), "call_id", callID)
	if err := l.client.RejectCall(ctx, caller, callID); err != nil {
		log.Warn("rejecting call failed", "error", err)
		return
	}
	text := s.d.cfg.RejectCallMessage
	if text == "" {
		return
	}
	to := caller.ToNonAD()
	msg := &waE2E.Message{Conversation: proto.String(text)}
	id := MessageIDFromKey("call-reject|" + s.name + "|" + callID)
	resp, err := l.client.SendMessage(ctx, to, msg, whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		log.Warn("sending the call rejection message failed", "error", err)
		return
	}
	ts := resp.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	if err := s.d.cfg.DB.Commit(s.sentWrite(s.selfOf(l), to, id, ts, text, msg)); err != nil {
		log.Warn("indexing the call rejection message failed", "error", err)
	}
}

// keepOne keeps one inbound event; false makes WhatsApp redeliver it.
func (s *Session) keepOne(ctx context.Context, l *link, e events.Event) bool {
	if err := s.keepInbound(ctx, l, &e); err != nil {
		s.log.Error("emitting event failed", "ce_type", e.Type, "chat", e.Subject, "error", err)
		return false
	}
	return true
}
