package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// eventSource is the part of a session's client that hands over
// WhatsApp's events; a handler returning false withholds the ack.
type eventSource interface {
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32
	RemoveEventHandler(id uint32) bool
}

var _ eventSource = (*whatsmeow.Client)(nil)

// dispatch is the one event handler of a link. Returning false makes
// whatsmeow withhold the ack, so WhatsApp redelivers the event: that is what
// happens when the sink could not keep it. Emit runs synchronously here, as
// whatsmeow hands events over one at a time, so a chat's order is kept.
func (s *Session) dispatch(l *link, raw any) bool {
	if !s.isCurrent(l) {
		return true // a logged-out client's leftovers
	}
	ctx := s.d.ctx
	switch evt := raw.(type) {
	case *waEvents.Message:
		return s.handleMessage(ctx, l, evt)
	case *waEvents.PairSuccess:
		return s.handlePairSuccess(ctx, l, evt)
	case *waEvents.Connected:
		return s.handleConnected(ctx, l)
	case *waEvents.Disconnected:
		return s.handleSimpleState(ctx, events.TypeSessionDisconnected, "disconnected", "")
	case *waEvents.LoggedOut:
		return s.handleLoggedOut(ctx, l, evt)
	case *waEvents.StreamReplaced:
		return s.handleSimpleState(ctx, events.TypeSessionStreamReplaced, "stream_replaced",
			"another client connected with this session's keys")
	case *waEvents.TemporaryBan:
		return s.handleTemporaryBan(ctx, evt)
	case *waEvents.PushNameSetting:
		s.updateSelf(l, func(me *self) { me.pushName = evt.Action.GetName() })
	case *waEvents.HistorySync:
		return s.handleHistorySync(ctx, l, evt)
	case *waEvents.Receipt:
		return s.handleReceipt(ctx, l, evt)
	case *waEvents.ChatPresence:
		return s.handleChatPresence(ctx, l, evt)
	case *waEvents.Presence:
		return s.handlePresence(ctx, l, evt)
	case *waEvents.CallOffer:
		return s.handleCallOffer(ctx, l, evt)
	case *waEvents.MediaRetry:
		return s.handleMediaRetry(evt) // media_download_retry.go
	case *waEvents.UndecryptableMessage:
		return s.handleUndecryptable(ctx, l, evt)
	case *waEvents.JoinedGroup:
		return s.handleJoinedGroup(ctx, l, evt) // handle_group.go
	case *waEvents.GroupInfo:
		return s.handleGroupInfo(ctx, l, evt)
	case *waEvents.Picture:
		return s.handlePicture(ctx, l, evt) // handle_picture.go
	default:
		ok, _ := s.handleChatOrContact(ctx, l, raw)
		return ok
	}
	return true
}

// handleMessage keeps the raw message in the index and its event in the
// outbox in one transaction: both are kept or neither is, and WhatsApp is
// acked only after that.
func (s *Session) handleMessage(ctx context.Context, l *link, evt *waEvents.Message) bool {
	s.inboundPresence(ctx, l, evt) // presence_subscribe.go
	if evt.Message.GetPollUpdateMessage() != nil {
		return s.handlePollVote(ctx, l, evt) // handle_poll_vote.go
	}
	if isAction(evt.Message) {
		return s.handleAction(ctx, l, evt) // handle_actions.go
	}
	put := s.d.index.PutWrite(s.name, storedFrom(evt))
	e, ok := translateMessage(s.name, s.selfOf(l).identity(), evt)
	if !ok {
		// Kinds without an event type yet (media, reactions, edits, protocol
		// messages) are indexed alone; acking them is right: the raw message
		// is kept, and their event types come with their issues.
		if err := s.keepInbound(ctx, l, nil, put); err != nil {
			s.log.Error("indexing message failed; WhatsApp will redeliver", "msg_id", evt.Info.ID, "error", err)
			return false
		}
		return true
	}
	if err := s.keepInbound(ctx, l, &e, put); err != nil {
		s.log.Error("emitting message event failed; WhatsApp will redeliver",
			"chat", e.Subject, "msg_id", evt.Info.ID, "error", err)
		return false
	}
	return true
}

func (s *Session) handlePairSuccess(ctx context.Context, l *link, evt *waEvents.PairSuccess) bool {
	s.log.Info("paired", "jid", evt.ID.String(), "platform", evt.Platform)
	// The event carries the identity; the device's fields are the client's
	// to write and are not read here.
	s.updateSelf(l, func(me *self) {
		me.id, me.lid, me.platform = evt.ID, evt.LID, evt.Platform
		if me.pushName == "" {
			// A business account is shown under its business name.
			me.pushName = evt.BusinessName
		}
	})
	if err := s.d.dir.save(s.name, evt.ID); err != nil {
		s.log.Error("saving paired device failed", "error", err)
		return false
	}
	jid := jidForms(evt.ID, evt.LID)
	return s.emitStateOK(ctx, events.TypeSessionPaired, events.SessionState{
		State: "paired", JID: &jid, Platform: evt.Platform,
	})
}

// handleConnected refreshes the copy from the device store: whatsmeow writes
// the identity while pairing and the LID at connect success, both before it
// dispatches Connected, and no event carries that LID. The push name is
// taken from the store only while no event gave one: whatsmeow's app-state
// sync writes it on another goroutine (then dispatches PushNameSetting).
func (s *Session) handleConnected(ctx context.Context, l *link) bool {
	me := s.updateSelf(l, func(me *self) {
		pushName := me.pushName
		if pushName == "" {
			pushName = l.dev.PushName
		}
		me.lid, me.platform, me.pushName = l.dev.LID, l.dev.Platform, pushName
		if l.dev.ID != nil {
			me.id = *l.dev.ID
		}
	})
	s.renewPresence(l) // presence_subscribe.go
	st := events.SessionState{State: "connected", JID: me.jid(), PushName: me.pushName, Platform: me.platform}
	return s.emitStateOK(ctx, events.TypeSessionConnected, st)
}

func (s *Session) handleSimpleState(ctx context.Context, typ, state, reason string) bool {
	return s.emitStateOK(ctx, typ, events.SessionState{State: state, Reason: reason})
}

// handleLoggedOut: WhatsApp removed the device (whatsmeow deletes it from
// the device store), so the session forgets it and gets a fresh one, ready
// for the next login.
func (s *Session) handleLoggedOut(ctx context.Context, l *link, evt *waEvents.LoggedOut) bool {
	s.log.Warn("logged out by WhatsApp", "reason", evt.Reason.String())
	return s.forget(ctx, l, evt.Reason.String())
}

// forget emits session.logged_out, drops the directory entry and resets the
// session. It reports whether the event was kept.
func (s *Session) forget(ctx context.Context, l *link, reason string) bool {
	me := s.selfOf(l) // the account this link had
	st := events.SessionState{State: "logged_out", JID: me.jid(), Reason: reason}
	ok := s.emitStateOK(ctx, events.TypeSessionLoggedOut, st)
	if err := s.d.dir.remove(s.name); err != nil {
		s.log.Error("forgetting logged-out device failed", "error", err)
		ok = false
	}
	s.updateSelf(l, func(me *self) { *me = self{} })
	s.reset(l)
	return ok
}

func (s *Session) handleTemporaryBan(ctx context.Context, evt *waEvents.TemporaryBan) bool {
	st := events.SessionState{State: "temporary_ban", Reason: evt.Code.String()}
	if evt.Expire > 0 {
		until := time.Now().Add(evt.Expire).UTC()
		st.BanExpires = &until
	}
	return s.emitStateOK(ctx, events.TypeSessionTemporaryBan, st)
}
