package bridge

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/events"
)

// ParticipantAction is what group.participants.* does to each participant.
type ParticipantAction string

const (
	ParticipantAdd     ParticipantAction = "add"
	ParticipantRemove  ParticipantAction = "remove"
	ParticipantPromote ParticipantAction = "promote"
	ParticipantDemote  ParticipantAction = "demote"
)

// The status of each participant of a participants change or a group
// creation.
const (
	StatusOK            = "ok"
	StatusNotOnWhatsApp = "not_on_whatsapp"
	StatusAlreadyIn     = "already_in"
	StatusNotInGroup    = "not_in_group"
	StatusNotAdmin      = "not_admin"
	StatusInviteSent    = "invite_sent"  // their privacy forbids adding them; a group invite was sent instead
	StatusNeedsInvite   = "needs_invite" // as invite_sent, but sending the invite failed
	StatusRecentlyLeft  = "recently_left"
	StatusForbidden     = "forbidden"
	StatusFailed        = "failed" // another code: see whatsapp_status
)

// ParticipantsRequest is a change of a group's participants.
type ParticipantsRequest struct {
	GroupID      string
	Participants []string // phone numbers or user JIDs
	Action       ParticipantAction
	// Key is the command's idempotency key: invites sent instead of an add
	// get ids derived from it, so a retried command sends each once.
	Key string
}

// ParticipantResult is what became of one participant.
type ParticipantResult struct {
	events.JID
	Status string `json:"status"`
	// WhatsAppStatus is the code WhatsApp answered for this participant
	// when it refused (403 privacy, 404 no account, 409 already in, ...).
	WhatsAppStatus int  `json:"whatsapp_status,omitempty"`
	IsAdmin        bool `json:"is_admin"`
	// InviteExpires is when the invite sent instead of an add runs out.
	InviteExpires *time.Time `json:"invite_expires,omitempty"`
}

// ParticipantsChange is the answer of group.participants.*.
type ParticipantsChange struct {
	GroupID      string              `json:"group_id"`
	Action       ParticipantAction   `json:"action"`
	Participants []ParticipantResult `json:"participants"`
}

var whatsmeowChange = map[ParticipantAction]whatsmeow.ParticipantChange{
	ParticipantAdd:     whatsmeow.ParticipantChangeAdd,
	ParticipantRemove:  whatsmeow.ParticipantChangeRemove,
	ParticipantPromote: whatsmeow.ParticipantChangePromote,
	ParticipantDemote:  whatsmeow.ParticipantChangeDemote,
}

// UpdateParticipants adds, removes, promotes or demotes participants of a
// group, answering each one's outcome. Whoever WhatsApp refuses to add
// for their privacy (403 with an add request) gets the group invite
// message WhatsApp clients send instead.
func (s *Session) UpdateParticipants(ctx context.Context, req ParticipantsRequest) (ParticipantsChange, error) {
	change, ok := whatsmeowChange[req.Action]
	if !ok {
		return ParticipantsChange{}, fmt.Errorf("bridge: unknown participant action %q", req.Action)
	}
	group, err := ParseGroupID(req.GroupID)
	if err != nil {
		return ParticipantsChange{}, err
	}
	people, err := parseParticipants(req.Participants)
	if err != nil {
		return ParticipantsChange{}, err
	}
	l, _, err := s.groupLink()
	if err != nil {
		return ParticipantsChange{}, err
	}
	got, err := l.client.UpdateGroupParticipants(ctx, group, people, change)
	if err != nil {
		return ParticipantsChange{}, classify(err, groupOp(group, "changing participants of group %s (%s)", group, req.Action))
	}
	inv := inviter{s: s, l: l, group: group, key: req.Key}
	return ParticipantsChange{GroupID: group.String(), Action: req.Action,
		Participants: inv.results(ctx, req.Action, got)}, nil
}

// inviter sends the group invites that replace refused adds; the group's
// name for them is read once, when the first is needed.
type inviter struct {
	s     *Session
	l     *link
	group types.JID
	name  string // known when the caller has it (a group just created)
	key   string
}

// results translates whatsmeow's per-participant answers, sending the
// invites they ask for.
func (inv *inviter) results(ctx context.Context, action ParticipantAction, got []types.GroupParticipant) []ParticipantResult {
	out := make([]ParticipantResult, 0, len(got))
	for _, p := range got {
		r := ParticipantResult{
			JID:            jidForms(p.JID, p.PhoneNumber, p.LID),
			Status:         participantStatus(action, p),
			WhatsAppStatus: p.Error,
			IsAdmin:        p.IsAdmin || p.IsSuperAdmin,
		}
		if r.Status == StatusNeedsInvite {
			if err := inv.send(ctx, p); err != nil {
				inv.s.log.Warn("sending a group invite instead of an add failed",
					"chat", inv.group.String(), "participant", r.JID.JID, "error", err)
			} else {
				r.Status = StatusInviteSent
				r.InviteExpires = optionalTime(p.AddRequest.Expiration)
			}
		}
		out = append(out, r)
	}
	return out
}

// participantStatus reads a participant's error code as WhatsApp means it
// for the action (the same code says different things for an add and a
// removal).
func participantStatus(action ParticipantAction, p types.GroupParticipant) string {
	switch {
	case p.Error == 0 || p.Error == 200:
		return StatusOK
	case p.Error == 403 && p.AddRequest != nil:
		return StatusNeedsInvite
	case p.Error == 403 || p.Error == 401:
		return StatusForbidden
	case p.Error == 404 && action == ParticipantAdd:
		return StatusNotOnWhatsApp
	case p.Error == 404:
		return StatusNotInGroup
	case p.Error == 408:
		return StatusRecentlyLeft
	case p.Error == 409 && action == ParticipantAdd:
		return StatusAlreadyIn
	case p.Error == 406 && action == ParticipantDemote:
		return StatusNotAdmin
	}
	return StatusFailed
}

// send sends p the group invite message, as WhatsApp clients do when a
// person's privacy allows invites only.
func (inv *inviter) send(ctx context.Context, p types.GroupParticipant) error {
	to := p.PhoneNumber
	if to.IsEmpty() {
		to = p.JID
	}
	if inv.name == "" {
		if info, err := inv.l.client.GetGroupInfo(ctx, inv.group); err == nil {
			inv.name = info.Name
		}
	}
	msg := &waE2E.Message{GroupInviteMessage: &waE2E.GroupInviteMessage{
		GroupJID:         proto.String(inv.group.String()),
		InviteCode:       proto.String(p.AddRequest.Code),
		InviteExpiration: proto.Int64(p.AddRequest.Expiration.Unix()),
		GroupName:        proto.String(inv.name),
		Caption:          proto.String("Invitation to join my WhatsApp group"),
	}}
	id := MessageIDFromKey(inviteKey(inv.key, to))
	if _, err := inv.l.client.SendMessage(ctx, to.ToNonAD(), msg, whatsmeow.SendRequestExtra{ID: id}); err != nil {
		return classify(err, op(to, "sending a group invite to %s", to))
	}
	return nil
}

// inviteKey: each invitee's message id follows from the command's key, so
// a retry sends each invite under the same id. Without a key, ids are
// random.
func inviteKey(key string, to types.JID) string {
	if key == "" {
		return ""
	}
	return key + "\x00invite\x00" + to.ToNonAD().String()
}
