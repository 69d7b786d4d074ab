package bridge

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// CreateGroupRequest is a group to create.
type CreateGroupRequest struct {
	Name         string
	Participants []string // phone numbers or user JIDs; the account itself is added by WhatsApp
	// Key is the command's idempotency key; the group's create key (which
	// WhatsApp echoes in the group.joined it causes) is derived from it.
	Key string
}

// GroupCreated is the answer of group.create.
type GroupCreated struct {
	GroupID string `json:"group_id"`
	// Group is the group as WhatsApp created it.
	Group GroupInfo `json:"group"`
	// Participants is what became of each person asked for.
	Participants []ParticipantResult `json:"participants"`
}

// CreateGroup creates a group with the account as its (super) admin.
// People WhatsApp would not add for their privacy get an invite.
func (s *Session) CreateGroup(ctx context.Context, req CreateGroupRequest) (GroupCreated, error) {
	name, err := groupName(req.Name)
	if err != nil {
		return GroupCreated{}, err
	}
	people, err := parseParticipants(req.Participants)
	if err != nil {
		return GroupCreated{}, err
	}
	l, me, err := s.groupLink()
	if err != nil {
		return GroupCreated{}, err
	}
	info, err := l.client.CreateGroup(ctx, whatsmeow.ReqCreateGroup{
		Name: name, Participants: people, CreateKey: MessageIDFromKey(req.Key),
	})
	if err != nil {
		return GroupCreated{}, classify(err, groupOp(types.EmptyJID, "creating group %q", name))
	}
	others := make([]types.GroupParticipant, 0, len(info.Participants))
	for _, p := range info.Participants {
		if !me.is(p.JID) {
			others = append(others, p)
		}
	}
	inv := inviter{s: s, l: l, group: info.JID, name: info.Name, key: req.Key}
	return GroupCreated{
		GroupID:      info.JID.String(),
		Group:        groupInfoOf(info, true),
		Participants: inv.results(ctx, ParticipantAdd, others),
	}, nil
}

// groupName checks a name against WhatsApp's rules before WhatsApp does.
func groupName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", werr.Invalid(werr.CodeInvalidPayload, "name must not be empty")
	}
	if n := utf8.RuneCountInString(name); n > MaxGroupNameLen {
		return "", werr.Invalid(werr.CodeInvalidPayload, "name has %d characters; WhatsApp allows at most %d", n, MaxGroupNameLen)
	}
	return name, nil
}
