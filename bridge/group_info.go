package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/events"
)

// GroupInfo is what group.info answers of a group (and user.my.groups of
// each, without Participants).
type GroupInfo struct {
	GroupID string     `json:"group_id"`
	Name    string     `json:"name"`
	NameSet *ChangedBy `json:"name_set,omitempty"`
	// Topic is the description; TopicID names its version, which the next
	// change of it refers to.
	Topic    string      `json:"topic"`
	TopicID  string      `json:"topic_id,omitempty"`
	TopicSet *ChangedBy  `json:"topic_set,omitempty"`
	Owner    *events.JID `json:"owner,omitempty"`
	Created  *time.Time  `json:"created,omitempty"`
	// Announce: only admins send messages. Locked: only admins change the
	// group's name, description and photo.
	Announce bool `json:"announce"`
	Locked   bool `json:"locked"`
	// EphemeralSeconds is the disappearing-messages timer, 0 when off.
	EphemeralSeconds     uint32 `json:"ephemeral_seconds"`
	JoinApprovalRequired bool   `json:"join_approval_required"`
	// AddressingMode is how the group names its members: "pn" (phone
	// numbers) or "lid".
	AddressingMode   string        `json:"addressing_mode,omitempty"`
	IsCommunity      bool          `json:"is_community,omitempty"`
	ParticipantCount int           `json:"participant_count"`
	Participants     []GroupMember `json:"participants,omitempty"`
}

// ChangedBy says when and by whom something was last set.
type ChangedBy struct {
	At *time.Time  `json:"at,omitempty"`
	By *events.JID `json:"by,omitempty"`
}

// GroupMember is one participant of a group.
type GroupMember struct {
	events.JID
	IsAdmin      bool   `json:"is_admin"`
	IsSuperAdmin bool   `json:"is_super_admin"`
	DisplayName  string `json:"display_name,omitempty"`
}

// GroupInfo answers what WhatsApp knows of a group the account is in.
func (s *Session) GroupInfo(ctx context.Context, groupID string) (GroupInfo, error) {
	jid, err := ParseGroupID(groupID)
	if err != nil {
		return GroupInfo{}, err
	}
	l, _, err := s.groupLink()
	if err != nil {
		return GroupInfo{}, err
	}
	info, err := l.client.GetGroupInfo(ctx, jid)
	if err != nil {
		return GroupInfo{}, classify(err, groupOp(jid, "reading group %s", jid))
	}
	return groupInfoOf(info, true), nil
}

// groupInfoOf translates whatsmeow's group info; members only when asked.
func groupInfoOf(info *types.GroupInfo, members bool) GroupInfo {
	g := GroupInfo{
		GroupID:              info.JID.String(),
		Name:                 info.Name,
		NameSet:              changedBy(info.NameSetAt, info.NameSetBy, info.NameSetByPN),
		Topic:                info.Topic,
		TopicID:              info.TopicID,
		TopicSet:             changedBy(info.TopicSetAt, info.TopicSetBy, info.TopicSetByPN),
		Owner:                jidOrNil(info.OwnerJID, info.OwnerPN),
		Created:              optionalTime(info.GroupCreated),
		Announce:             info.IsAnnounce,
		Locked:               info.IsLocked,
		JoinApprovalRequired: info.IsJoinApprovalRequired,
		AddressingMode:       string(info.AddressingMode),
		IsCommunity:          info.IsParent,
		ParticipantCount:     info.ParticipantCount,
	}
	if info.IsEphemeral {
		g.EphemeralSeconds = info.DisappearingTimer
	}
	in := groupMembers(info.Participants)
	if g.ParticipantCount == 0 {
		g.ParticipantCount = len(in)
	}
	if members {
		g.Participants = make([]GroupMember, 0, len(in))
		for _, p := range in {
			g.Participants = append(g.Participants, GroupMember{
				JID:          jidForms(p.JID, p.PhoneNumber, p.LID),
				IsAdmin:      p.IsAdmin || p.IsSuperAdmin,
				IsSuperAdmin: p.IsSuperAdmin,
				DisplayName:  p.DisplayName,
			})
		}
	}
	return g
}

// groupMembers are the participants WhatsApp lists who are members: the
// answer to a group's creation lists those it did not add as well, each
// with its error code (403 privacy, 404 no account, ...).
func groupMembers(ps []types.GroupParticipant) []types.GroupParticipant {
	out := make([]types.GroupParticipant, 0, len(ps))
	for _, p := range ps {
		if p.Error == 0 || p.Error == 200 {
			out = append(out, p)
		}
	}
	return out
}

func changedBy(at time.Time, by ...types.JID) *ChangedBy {
	c := ChangedBy{At: optionalTime(at), By: jidOrNil(by[0], by[1:]...)}
	if c.At == nil && c.By == nil {
		return nil
	}
	return &c
}

func jidOrNil(primary types.JID, alts ...types.JID) *events.JID {
	j := jidForms(primary, alts...)
	if j.JID == "" {
		return nil
	}
	return &j
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
