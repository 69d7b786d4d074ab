package bridge

import (
	"context"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// groupJoinedEvent is the group.joined of whatsmeow's JoinedGroup. The
// notification is not dated, so the time is when the bridge got it; the
// key is the group and its participant version, which the server changes
// with every membership change: a redelivery has the same id, joining the
// same group again later a new one.
func groupJoinedEvent(session string, me identity, evt *waEvents.JoinedGroup, now time.Time) (events.Event, bool) {
	group := evt.JID.ToNonAD()
	if group.IsEmpty() {
		return events.Event{}, false
	}
	now = now.UTC()
	d := events.GroupJoined{Group: groupState(&evt.GroupInfo), How: joinedHow(me, evt), By: optionalForms(evt.Sender, evt.SenderPN), Timestamp: now}
	return events.Event{
		Type: events.TypeGroupJoined, Session: session, Subject: group.String(), Time: now,
		Key:  group.String() + "|joined|" + evt.ParticipantVersionID + "|" + evt.CreateKey,
		Data: d,
	}, true
}

// joinedHow tells how this account came into the group: whatsmeow marks a
// join by link with Reason "invite" and a new group with Type "new", whose
// sender is its creator (this account, or whoever created it with us in).
func joinedHow(me identity, evt *waEvents.JoinedGroup) string {
	switch {
	case evt.Reason == "invite":
		return events.JoinedByInvite
	case evt.Type == "new" && evt.Sender != nil && me.is(*evt.Sender):
		return events.JoinedByCreate
	}
	return events.JoinedByAdd
}

// groupState is a group's state in the events' shape.
func groupState(g *types.GroupInfo) events.Group {
	d := events.Group{
		JID: jidForms(g.JID), Name: g.Name, Topic: g.Topic, TopicID: g.TopicID,
		Owner:    optionalForms(&g.OwnerJID, &g.OwnerPN),
		Announce: g.IsAnnounce, Locked: g.IsLocked, JoinApproval: g.IsJoinApprovalRequired,
		Participants: make([]events.GroupMember, 0, len(g.Participants)),
	}
	if g.IsEphemeral {
		d.EphemeralSeconds = g.DisappearingTimer
	}
	if !g.GroupCreated.IsZero() {
		created := g.GroupCreated.UTC()
		d.Created = &created
	}
	for _, p := range g.Participants {
		d.Participants = append(d.Participants, events.GroupMember{
			JID: jidForms(p.JID, p.PhoneNumber, p.LID), IsAdmin: p.IsAdmin || p.IsSuperAdmin, IsSuperAdmin: p.IsSuperAdmin,
		})
	}
	return d
}

// groupInfoEvents are the events of whatsmeow's GroupInfo, one
// notification of changes: a group.updated for the settings that changed
// and a group.participants.changed per membership action, in that order.
// Members and the sender get their other JID form from alt, where known.
// Their keys are the group, WhatsApp's time of the change and what
// changed to what (by whom, with WhatsApp's version ids where it gives
// them), so a redelivery has the same ids. WhatsApp's time is in whole
// seconds and whatsmeow passes on no notification id: a key of the time
// and the kind alone would take a second rename within the same second
// for a redelivery of the first, and the stream would drop it.
func groupInfoEvents(session string, evt *waEvents.GroupInfo, alt altForm) []events.Event {
	group := evt.JID.ToNonAD()
	if group.IsEmpty() {
		return nil
	}
	at := evt.Timestamp.UTC()
	base := group.String() + "|" + strconv.FormatInt(at.UnixNano(), 10) + "|"
	by := changerForms(evt.Sender, evt.SenderPN, alt)
	var es []events.Event
	if d, changed := groupSettings(evt); changed {
		d.Group, d.By, d.Timestamp = jidForms(group), by, at
		es = append(es, events.Event{
			Type: events.TypeGroupUpdated, Session: session, Subject: group.String(), Time: at,
			Key: base + "updated|" + settingsKey(evt), Data: d,
		})
	}
	for _, c := range participantChanges(evt) {
		d := events.GroupParticipantsChanged{Group: jidForms(group), Action: c.action, By: by, Reason: c.reason, Timestamp: at}
		ids := make([]string, 0, len(c.who))
		for _, p := range c.who {
			j := jidForms(p, alt.of(p))
			d.Participants = append(d.Participants, j)
			ids = append(ids, j.JID)
		}
		es = append(es, events.Event{
			Type: events.TypeGroupParticipantsChanged, Session: session, Subject: group.String(), Time: at,
			Key: base + c.action + "|" + evt.ParticipantVersionID + "|" + strings.Join(ids, ","), Data: d,
		})
	}
	return es
}

// groupSettings is the group.updated of evt's setting changes (whatsmeow
// leaves unchanged ones nil); changed is false when there is none.
func groupSettings(evt *waEvents.GroupInfo) (d events.GroupUpdated, changed bool) {
	if evt.Name != nil {
		d.Name = &evt.Name.Name
	}
	if t := evt.Topic; t != nil {
		d.Topic = &events.GroupTopicChange{Text: t.Topic, ID: t.TopicID, Deleted: t.TopicDeleted}
	}
	if evt.Announce != nil {
		d.Announce = &evt.Announce.IsAnnounce
	}
	if evt.Locked != nil {
		d.Locked = &evt.Locked.IsLocked
	}
	if e := evt.Ephemeral; e != nil {
		secs := uint32(0)
		if e.IsEphemeral {
			secs = e.DisappearingTimer
		}
		d.EphemeralSeconds = &secs
	}
	if evt.MembershipApprovalMode != nil {
		d.JoinApproval = &evt.MembershipApprovalMode.IsJoinApprovalRequired
	}
	d.InviteLink = evt.NewInviteLink
	d.Deleted = evt.Delete != nil && evt.Delete.Deleted
	changed = d.Name != nil || d.Topic != nil || d.Announce != nil || d.Locked != nil ||
		d.EphemeralSeconds != nil || d.JoinApproval != nil || d.InviteLink != nil || d.Deleted
	return d, changed
}

// settingsKey names the settings a notification changed, each with its
// new value and the version WhatsApp gave it, and who changed them: what
// tells two changes of the same second apart. Only a change repeated to
// the same value by the same person within one second (a switch flipped
// on, off and on again) stays indistinguishable from a redelivery.
func settingsKey(evt *waEvents.GroupInfo) string {
	var parts []string
	add := func(set bool, name string, value ...string) {
		if set {
			parts = append(parts, name+"="+strings.Join(value, ":"))
		}
	}
	if n := evt.Name; n != nil {
		add(true, "name", n.Name)
	}
	if t := evt.Topic; t != nil {
		add(true, "topic", t.TopicID, strconv.FormatBool(t.TopicDeleted), t.Topic)
	}
	if a := evt.Announce; a != nil {
		add(true, "announce", strconv.FormatBool(a.IsAnnounce), a.AnnounceVersionID)
	}
	if l := evt.Locked; l != nil {
		add(true, "locked", strconv.FormatBool(l.IsLocked))
	}
	if e := evt.Ephemeral; e != nil {
		add(true, "ephemeral", strconv.FormatBool(e.IsEphemeral), strconv.FormatUint(uint64(e.DisappearingTimer), 10))
	}
	if m := evt.MembershipApprovalMode; m != nil {
		add(true, "approval", strconv.FormatBool(m.IsJoinApprovalRequired))
	}
	if evt.NewInviteLink != nil {
		add(true, "invite", *evt.NewInviteLink)
	}
	add(evt.Delete != nil && evt.Delete.Deleted, "deleted")
	return strings.Join(parts, "|") + "|by=" + senderKey(evt.Sender)
}

// senderKey is who made a change, for event keys; "" when WhatsApp does
// not say.
func senderKey(sender *types.JID) string {
	if sender == nil {
		return ""
	}
	return sender.ToNonAD().String()
}

// participantChange is one membership action of a GroupInfo.
type participantChange struct {
	action, reason string
	who            []types.JID
}

// participantChanges splits evt's membership actions. A member removed by
// themselves left; whatsmeow reports both as Leave, the sender telling
// them apart.
func participantChanges(evt *waEvents.GroupInfo) []participantChange {
	var out []participantChange
	add := func(action, reason string, who []types.JID) {
		if len(who) > 0 {
			out = append(out, participantChange{action, reason, who})
		}
	}
	add(events.ParticipantsAdded, evt.JoinReason, evt.Join)
	leave := events.ParticipantsRemoved
	if len(evt.Leave) == 1 && evt.Sender != nil && sameUser(evt.Leave[0], *evt.Sender, evt.SenderPN) {
		leave = events.ParticipantsLeft
	}
	add(leave, "", evt.Leave)
	add(events.ParticipantsPromoted, "", evt.Promote)
	add(events.ParticipantsDemoted, "", evt.Demote)
	return out
}

// sameUser reports whether who is the sender, in either of its forms.
func sameUser(who, sender types.JID, senderPN *types.JID) bool {
	who = who.ToNonAD()
	if who == sender.ToNonAD() {
		return true
	}
	return senderPN != nil && who == senderPN.ToNonAD()
}

// changerForms is who made a change, with the other form from alt when
// whatsmeow gave one form only; nil when WhatsApp names no one.
func changerForms(sender, senderAlt *types.JID, alt altForm) *events.JID {
	if sender != nil && (senderAlt == nil || senderAlt.IsEmpty()) {
		if other := alt.of(*sender); !other.IsEmpty() {
			senderAlt = &other
		}
	}
	return optionalForms(sender, senderAlt)
}

// optionalForms is the forms of a JID whatsmeow may leave out; nil when it did.
func optionalForms(jid, alt *types.JID) *events.JID {
	var forms []types.JID
	for _, j := range []*types.JID{jid, alt} {
		if j != nil && !j.IsEmpty() {
			forms = append(forms, *j)
		}
	}
	if len(forms) == 0 {
		return nil
	}
	j := jidForms(forms[0], forms[1:]...)
	return &j
}

func (s *Session) handleJoinedGroup(ctx context.Context, l *link, evt *waEvents.JoinedGroup) bool {
	e, ok := groupJoinedEvent(s.name, s.selfOf(l).identity(), evt, time.Now())
	return !ok || s.keepOne(ctx, l, e)
}

func (s *Session) handleGroupInfo(ctx context.Context, l *link, evt *waEvents.GroupInfo) bool {
	return s.keepAll(ctx, l, groupInfoEvents(s.name, evt, s.lidAlts(ctx, l)))
}

// keepAll keeps es in one transaction: all of one WhatsApp event's
// CloudEvents or none, so a redelivery brings no half.
func (s *Session) keepAll(ctx context.Context, l *link, es []events.Event) bool {
	if len(es) == 0 {
		return true
	}
	err := s.retrying(ctx, func() error { return s.d.cfg.Sink.EmitAll(ctx, es) })
	if err == nil {
		return true
	}
	s.log.Error("emitting events failed", "ce_type", es[0].Type, "chat", es[0].Subject, "error", err)
	if permanent(err) {
		return true // redelivery would fail the same way
	}
	if ctx.Err() == nil {
		s.reconnectLater(l)
	}
	return false
}
